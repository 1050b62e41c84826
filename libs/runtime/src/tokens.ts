// DI tokens of the ports the apps bind (the bus's own token, EVENT_BUS, lives in @freshet/messaging).
export const EVENT_LOG = Symbol('freshet.EventLog');
export const GRAPH_CACHE = Symbol('freshet.GraphCache');
export const LEADER_LEASE = Symbol('freshet.LeaderLease');
export const TYPED_BUS = Symbol('freshet.TypedBus');
export const CODE_LOCATION = Symbol('freshet.CodeLocation');
export const SERVICE_LOGGER = Symbol('freshet.ServiceLogger');
export const APP_CONFIG = Symbol('freshet.AppConfig');
