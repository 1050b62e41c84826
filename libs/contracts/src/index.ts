export * from './topics';
export * from './envelope';
export * from './event-types';
export * from './codec';
export * from './validation';
export * from './published';
export * from './schemas/asset-spec';
export * from './schemas/events';
export { Timestamp, AssetKey, PartitionKey, ErrorInfo } from './schemas/common';
