// Errors of the dbt integration, each with a code saying what went wrong, so callers (the CLI, a
// worker loading a code location) can tell a broken project from a missing dbt install.
export type DbtErrorCode =
  | 'manifestMissing'
  | 'manifestInvalid'
  | 'parseFailed'
  | 'dbtNotFound'
  | 'duplicateKey'
  | 'invalidKey'
  | 'invalidPolicy'
  | 'unknownSelection';

export class DbtError extends Error {
  override readonly name = 'DbtError';
  constructor(
    readonly code: DbtErrorCode,
    message: string,
  ) {
    super(message);
  }
}
