// Partitions: time-window and static definitions, compact partition sets, and mappings.
export * from './types';
export {
  RangePartitionSet,
  emptyPartitionSet,
  partitionRange,
  partitionSetOfIndices,
  partitionSetOfRanges,
} from './partition-set';
export { POST_DST_TRANSITION_SUFFIX, type Cadence, TimeSlots, timeSlots } from './time-slots';
export { TimeWindowPartitionsDefinition } from './time-partitions';
export { StaticPartitionsDefinition } from './static-partitions';
export {
  PartitionsSpecError,
  asTimeWindowDefinition,
  isStaticPartitionsSpec,
  isTimePartitionsSpec,
  parsePartitionBoundary,
  partitionsDefinition,
  validatePartitions,
  type PartitionsProblem,
} from './definition';
export {
  PartitionMappingError,
  defaultMapping,
  effectiveMapping,
  partitionBoundaryParses,
  partitionMapping,
  validateMapping,
} from './mappings';
