// Bearer-token auth: every mutation needs `Authorization: Bearer <FRESHET_API_TOKEN>`; reads too
// unless FRESHET_API_OPEN_READS is set. 401 when no usable credentials were sent, 403 when they
// are wrong (or when no token is configured, so mutations cannot be authorized at all).
import { timingSafeEqual } from 'node:crypto';
import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { HttpRequest as Request } from './http-types';
import { API_DEPS, type ApiDeps } from '../api-deps';

@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(@Inject(API_DEPS) private readonly deps: ApiDeps) {}

  canActivate(context: ExecutionContext): boolean {
    const { auth } = this.deps;
    if (auth.openAll === true) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (read && auth.openReads) return true;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('send Authorization: Bearer <FRESHET_API_TOKEN>');
    if (auth.token === undefined || auth.token === '') throw new ForbiddenException('no FRESHET_API_TOKEN is configured on the planner: the API cannot authorize this');
    if (!sameSecret(match[1] ?? '', auth.token)) throw new ForbiddenException('the bearer token is not FRESHET_API_TOKEN');
    return true;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
