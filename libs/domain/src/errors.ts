// Coded domain errors. The domain throws these; the edges (CLI, services) classify them:
// every one here is a permanent problem with the input, never worth retrying.

export interface Problem {
  /** JSON path of the offending value, e.g. `$.assets[2].deps[0]`. */
  readonly path: string;
  /** What was wrong, and what was expected instead. */
  readonly message: string;
}

export type DomainErrorCode = 'INVALID_SPECS' | 'INVALID_SCENARIO' | 'INVALID_RECORD' | 'INVALID_CURSOR';

export class DomainError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

function describe(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}

/** Asset specs that cannot form a graph; carries every problem found, not just the first. */
export class InvalidSpecsError extends DomainError {
  constructor(readonly problems: readonly Problem[]) {
    super('INVALID_SPECS', `invalid asset specs:\n${describe(problems)}`);
  }
}

/** A scenario file that does not follow the scenario format. */
export class InvalidScenarioError extends DomainError {
  constructor(readonly problems: readonly Problem[]) {
    super('INVALID_SCENARIO', `invalid scenario:\n${describe(problems)}`);
  }
}

/** A record that contradicts the definitions or the log (unknown asset, bad partition key...). */
export class InvalidRecordError extends DomainError {
  constructor(message: string) {
    super('INVALID_RECORD', message);
  }
}

/** A persisted cursor of an unknown version or shape. */
export class InvalidCursorError extends DomainError {
  constructor(message: string) {
    super('INVALID_CURSOR', message);
  }
}
