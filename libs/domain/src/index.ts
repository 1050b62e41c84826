// The pure Freshet domain: specs, graph, partitions, versions, staleness, data time,
// freshness, the planner and the simulator. No I/O, no clock, no framework.
export * from './partitions/types';
export * from './partitions';
export * from './time';
