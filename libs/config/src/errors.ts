/** One problem with one environment variable. */
export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/**
 * Thrown by `loadConfig` when any variable is invalid. It lists every problem at once, so an
 * operator fixes the whole environment in one go instead of one restart per variable. The
 * message never contains a variable's value (it may be a secret).
 */
export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';

  constructor(
    readonly app: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `Invalid configuration for ${app} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n` +
        issues.map((issue) => `  - ${issue.variable}: ${issue.message}`).join('\n'),
    );
  }
}
