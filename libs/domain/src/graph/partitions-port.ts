// The one place the planner reaches into the partitions engine (libs/domain/src/partitions).
// Everything else in the planner talks about partitions through IndexSets and this port.

import { partitionsDefinition } from '../partitions/definition';
import { defaultMapping, partitionMapping } from '../partitions/mappings';
import type { PartitionMapping, PartitionMappingSpec, PartitionsDefinition, PartitionsSpec } from '../partitions/types';

export function makePartitionsDefinition(spec: PartitionsSpec): PartitionsDefinition {
  return partitionsDefinition(spec);
}

export function makePartitionMapping(spec: PartitionMappingSpec): PartitionMapping {
  return partitionMapping(spec);
}

export function defaultPartitionMapping(up: PartitionsDefinition, down: PartitionsDefinition): PartitionMapping {
  return partitionMapping(defaultMapping(up.spec, down.spec));
}
