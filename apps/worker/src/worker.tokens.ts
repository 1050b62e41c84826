import type { ServiceAdapters } from '@freshet/runtime';

export const WORKER_CORE = Symbol('freshet.WorkerCore');
export const WORKER_ADAPTERS = Symbol('freshet.WorkerAdapters');

export type WorkerAdapters = Pick<ServiceAdapters, 'close'>;
