// @freshet/api: the planner's HTTP API (assets, decisions and why, runs, manual materializations,
// backfills, violations), its OpenAPI description, the web UI, and the planner's /metrics and
// /health endpoints.
export { API_DEPS, type ApiAuth, type ApiDeps } from './api-deps';
export { ApiModule } from './api.module';
export { ApiService, type RunView, type OpenViolationView, type FreshnessPoint } from './api.service';
export { createApiApp, startApiServer, UI_DIR, type ApiServer, type ApiServerOptions } from './create-api-app';
export { InvalidRequestError, NotFoundError, ConflictError, NotLeadingError } from './errors';
export { resolveSelection } from './commands/selection';
export type { BackfillAssetProgress, BackfillProgress, LaunchedBackfill, BackfillInput } from './commands/backfill';
export type { PlannedRun, MaterializeInput } from './commands/materialize';
export type { AssetView, AssetStatus, PartitionView, StaleCauseView } from './read-model/asset-views';
export type { StoredDecision, RunEventView, ViolationEpisode } from './read-model/log-follower';
export type { WhyAnswer } from './read-model/why';
export { startEmbeddedApi, type EmbeddedApiOptions } from './embedded-api';
