import type { ServiceAdapters } from '@freshet/runtime';

export const OBSERVER_CORE = Symbol('freshet.ObserverCore');
export const OBSERVER_ADAPTERS = Symbol('freshet.ObserverAdapters');

export type ObserverAdapters = Pick<ServiceAdapters, 'close'>;
