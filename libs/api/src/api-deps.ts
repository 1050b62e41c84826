// What the API needs from the process that serves it (the planner service, or `freshet dev`).
import type { FreshetMetrics, HealthChecks } from '@freshet/observability';
import type { PlannerCore, ServiceLogger } from '@freshet/runtime';
import type { EventLog } from '@freshet/storage';

export interface ApiAuth {
  /** FRESHET_API_TOKEN; mutations need it as a bearer token. Undefined: mutations are refused (403). */
  readonly token: string | undefined;
  /** FRESHET_API_OPEN_READS: GET endpoints answer without a token. */
  readonly openReads: boolean;
  /** `freshet dev` without a token: everything is open (it listens on 127.0.0.1 only). */
  readonly openAll?: boolean;
}

export interface ApiDeps {
  readonly planner: PlannerCore;
  readonly eventLog: EventLog;
  readonly auth: ApiAuth;
  readonly health: HealthChecks;
  readonly metrics: FreshetMetrics;
  readonly logger: ServiceLogger;
  readonly now?: () => number;
  /** Consumer lag by consumer (Kafka lag and deliveries in process; see `consumerLagProbe`). */
  readonly consumerLag?: () => Readonly<Record<string, number>> | Promise<Readonly<Record<string, number>>>;
}

export const API_DEPS = Symbol('freshet.ApiDeps');
