// Data versions of materializations (see the project's semantics, "Versions"): user-provided, or
// a hash of code version + input data versions sorted by key, so unchanged code on unchanged
// inputs yields the same version. An asset with no tracked input gets a new version every time.
import { sha256Hex } from '../util/hash';
import type { InputPointer } from '../define/types';

/** What a never-recorded parent contributes to the hash. */
export const INITIAL_DATA_VERSION = 'INITIAL';

export function derivedDataVersion(codeVersion: string, inputs: readonly InputPointer[]): string {
  const parts = inputs
    .map((input) => `${input.asset}\u0000${input.partition ?? ''}\u0000${input.dataVersion ?? INITIAL_DATA_VERSION}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256Hex('data-version-v1', codeVersion, ...parts);
}
