// The HTTP API: transport only. Each handler decodes its input (400 naming the field), calls one
// ApiService method and returns its result as JSON. Documented for OpenAPI by the decorators.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse as Response } from './http-types';
import { RUN_STATUSES, type RunStatus } from '@freshet/storage';
import { API_DEPS, type ApiDeps } from '../api-deps';
import { ApiService } from '../api.service';
import { InvalidRequestError } from '../errors';
import { BearerAuthGuard } from './auth.guard';
import { BackfillBody, MaterializeBody, instantParam, intParam, validate } from './schemas';

const asSchema = (schema: object): Record<string, unknown> => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
const KEY = { name: 'key', description: 'Asset key (URL-encoded)' };

@ApiTags('assets')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/assets')
export class AssetsController {
  constructor(@Inject(ApiService) private readonly api: ApiService) {}

  @Get()
  @ApiOperation({ summary: 'Every asset with status (fresh, stale, overdue, missing, running), data time, lag, next deadline and staleness causes' })
  @ApiResponse({ status: 200, description: 'Assets in the planner graph order (topological, by key within a level)' })
  @ApiResponse({ status: 503, description: 'This planner replica is standing by' })
  list(): unknown {
    return { assets: this.api.assets(), at: new Date(this.api.now()).toISOString() };
  }

  @Get(':key')
  @ApiOperation({ summary: 'One asset' })
  @ApiParam(KEY)
  one(@Param('key') key: string): unknown {
    return this.api.asset(key);
  }

  @Get(':key/partitions')
  @ApiOperation({ summary: 'The newest partitions of a partitioned asset, each with its status' })
  @ApiParam(KEY)
  @ApiQuery({ name: 'limit', required: false, description: '1..5000, default 500' })
  partitions(@Param('key') key: string, @Query('limit') limit?: string): unknown {
    return { partitions: this.api.partitions(key, intParam('limit', limit, 500, 1, 5000)) };
  }

  @Get(':key/decisions')
  @ApiOperation({ summary: "The planner's stored decisions about the asset, newest first, with reasons and sentences" })
  @ApiParam(KEY)
  @ApiQuery({ name: 'limit', required: false, description: '1..2000, default 100' })
  async decisions(@Param('key') key: string, @Query('limit') limit?: string): Promise<unknown> {
    return { decisions: await this.api.decisions(key, intParam('limit', limit, 100, 1, 2000)) };
  }

  @Get(':key/why')
  @ApiOperation({ summary: 'Why did or did not the asset run at a given time, answered from the stored ticks' })
  @ApiParam(KEY)
  @ApiQuery({ name: 'at', required: false, description: 'ISO-8601 time with a zone; default now' })
  why(@Param('key') key: string, @Query('at') at?: string): Promise<unknown> {
    return this.api.why(key, at === undefined || at === '' ? null : instantParam('at', at, this.api.now()));
  }

  @Get(':key/freshness')
  @ApiOperation({ summary: 'Lag over time (minutes), from the materializations, with the policy threshold' })
  @ApiParam(KEY)
  @ApiQuery({ name: 'hours', required: false, description: '1..720, default 24' })
  freshness(@Param('key') key: string, @Query('hours') hours?: string): Promise<unknown> {
    return this.api.freshness(key, intParam('hours', hours, 24, 1, 720));
  }
}

@ApiTags('runs')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api')
export class RunsController {
  constructor(@Inject(ApiService) private readonly api: ApiService) {}

  @Get('runs')
  @ApiOperation({ summary: 'Runs, newest first' })
  @ApiQuery({ name: 'status', required: false, description: `comma-separated: ${RUN_STATUSES.join(', ')}` })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 100' })
  async runs(@Query('status') status?: string, @Query('limit') limit?: string): Promise<unknown> {
    const statuses = (status ?? '').split(',').filter((s) => s !== '');
    const bad = statuses.find((s) => !(RUN_STATUSES as readonly string[]).includes(s));
    if (bad !== undefined) throw new InvalidRequestError('status', `"${bad}" is not one of ${RUN_STATUSES.join(', ')}`);
    return { runs: await this.api.runs(statuses as RunStatus[], intParam('limit', limit, 100, 1, 1000)) };
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run and its events (started, materialized, failed, completed)' })
  run(@Param('id') id: string): Promise<unknown> {
    return this.api.run(id);
  }

  @Post('materializations')
  @HttpCode(202)
  @ApiOperation({ summary: 'Materialize an asset selection now (one run per code location, through the same path as planner requests)' })
  @ApiBody({ schema: asSchema(MaterializeBody) })
  @ApiResponse({ status: 202, description: 'Runs requested' })
  @ApiResponse({ status: 400, description: 'Bad input; `field` names it' })
  @ApiResponse({ status: 401, description: 'No bearer token' })
  @ApiResponse({ status: 403, description: 'Wrong bearer token' })
  @ApiResponse({ status: 409, description: 'An asset partition of the selection is already in flight' })
  async materialize(@Body() body: unknown): Promise<unknown> {
    const input = validate(MaterializeBody, body);
    return { runs: await this.api.materialize(input) };
  }

  @Post('backfills')
  @HttpCode(202)
  @ApiOperation({ summary: 'Backfill a partition range of an asset (and, optionally, downstream)' })
  @ApiBody({ schema: asSchema(BackfillBody) })
  @ApiResponse({ status: 202, description: 'Backfill launched; follow it at /api/backfills/{id}' })
  @ApiResponse({ status: 400, description: 'Bad input; `field` names it' })
  async backfill(@Body() body: unknown): Promise<unknown> {
    const input = validate(BackfillBody, body);
    return this.api.backfill(input);
  }

  @Get('backfills')
  @ApiOperation({ summary: 'Backfills, newest first, with progress' })
  async backfills(): Promise<unknown> {
    return { backfills: await this.api.backfills() };
  }

  @Get('backfills/:id')
  @ApiOperation({ summary: 'Progress of one backfill' })
  backfillProgress(@Param('id') id: string): Promise<unknown> {
    return this.api.backfillProgress(id);
  }

  @Get('violations')
  @ApiTags('freshness')
  @ApiOperation({ summary: 'Freshness violations: open ones (overdue now) and past ones (resolved)' })
  @ApiQuery({ name: 'state', required: false, description: 'open, past or all (default)' })
  violations(@Query('state') state?: string): Promise<unknown> {
    return this.api.violations((state ?? 'all') as 'open' | 'past' | 'all');
  }
}

@ApiTags('operations')
@Controller()
export class OpsController {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(ApiService) private readonly api: ApiService,
  ) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async metrics(@Res() res: Response): Promise<void> {
    const text = await this.deps.metrics.text();
    res.status(200).type(this.deps.metrics.contentType).send(text);
  }

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): unknown {
    return this.deps.health.live();
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: Postgres, Redis and Kafka (or their embedded twins) answer; 503 naming the failing ones otherwise' })
  async ready(@Res() res: Response): Promise<void> {
    const report = await this.deps.health.ready();
    const leading = this.deps.planner.isLeader;
    res.status(report.status === 'ok' ? 200 : 503).json({ ...report, planner: leading ? 'leading' : 'standing by' });
  }

  /** For the UI's header: who serves it and whether reads need a token. */
  @Get('api/info')
  @ApiOperation({ summary: 'What serves this API, and whether reads need a token' })
  info(): unknown {
    return { leading: this.deps.planner.isLeader, openReads: this.deps.auth.openReads || this.deps.auth.openAll === true, at: new Date(this.api.now()).toISOString() };
  }
}
