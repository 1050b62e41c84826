// Maps the use cases' errors to HTTP: 400 names the field, 404, 409, 503 (standby replica);
// Nest's own HTTP exceptions pass through; anything else is a 500 whose details are logged, not sent.
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { HttpResponse as Response } from './http-types';
import type { ServiceLogger } from '@freshet/runtime';
import { ConflictError, InvalidRequestError, NotFoundError, NotLeadingError } from '../errors';

@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: ServiceLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const send = (status: number, body: Record<string, unknown>): void => void response.status(status).json({ statusCode: status, ...body });
    if (error instanceof InvalidRequestError) return send(400, { error: 'Bad Request', field: error.field, message: error.message });
    if (error instanceof NotFoundError) return send(404, { error: 'Not Found', message: error.message });
    if (error instanceof ConflictError) return send(409, { error: 'Conflict', message: error.message });
    if (error instanceof NotLeadingError) return send(503, { error: 'Service Unavailable', message: error.message });
    if (error instanceof HttpException) {
      const body = error.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
      // A body that is not JSON: name the body as the field at fault.
      const field = error.getStatus() === 400 ? { field: 'body' } : {};
      return send(error.getStatus(), { error: error.name.replace(/Exception$/, ''), ...field, message: Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : JSON.stringify(message) });
    }
    this.logger.error(`api: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    send(500, { error: 'Internal Server Error', message: 'the planner failed to answer; see its logs' });
  }
}
