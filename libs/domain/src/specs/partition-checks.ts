// Spec checks that belong to the partitions and time engine. Structural rules live here; the
// deeper ones (cron syntax, partition start/end forms, mapping fit across definitions) are
// delegated to the partitions module's own validators.

import { validatePartitions } from '../partitions/definition';
import { validateMapping } from '../partitions/mappings';
import type { PartitionMappingSpec, PartitionsSpec } from '../partitions/types';
import { cronProblem, isValidTimeZone } from '../time';

export function checkTimezone(zone: string): string[] {
  return isValidTimeZone(zone) ? [] : [`unknown time zone "${zone}" (expected an IANA name such as "Europe/Paris")`];
}

export function checkCron(expr: string): string[] {
  const problem = cronProblem(expr);
  return problem === null ? [] : [problem];
}

export function checkPartitionsSpec(spec: PartitionsSpec): string[] {
  return validatePartitions(spec).map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`));
}

/** Does `mapping` (or the default mapping when absent) fit a parent with `up` and a child with `down`? */
export function checkMappingFits(mapping: PartitionMappingSpec | undefined, up: PartitionsSpec | undefined, down: PartitionsSpec | undefined): string[] {
  return validateMapping(up ?? null, down ?? null, mapping ?? null).map((p) => (p.path === '' || p.path === 'kind' ? p.message : `${p.path}: ${p.message}`));
}
