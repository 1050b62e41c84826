import type { ServiceAdapters } from '@freshet/runtime';

export const PLANNER_CORE = Symbol('freshet.PlannerCore');
export const PLANNER_ADAPTERS = Symbol('freshet.PlannerAdapters');

/** What the planner closes on shutdown (the production adapters, or `freshet dev`'s embedded ones). */
export type PlannerAdapters = Pick<ServiceAdapters, 'close'>;
