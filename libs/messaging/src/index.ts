export * from './event-bus.port';
export * from './errors';
export * from './delivery';
export * from './logger';
export { murmur2, partitionForKey } from './partitioner';
export * from './typed-bus';
export * from './in-memory/in-memory-event-bus';
export * from './kafka/kafka-event-bus';
export * from './nest/freshet-bus.server';
