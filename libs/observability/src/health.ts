// Liveness and readiness. Live: the process answers (its event loop turns). Ready: every
// dependency it needs answers within a deadline: Postgres, Redis, Kafka (or their embedded twins
// under `freshet dev`). Each check reports its own state, so an operator sees which one failed.
export interface HealthCheck {
  readonly name: string;
  /** Resolves when the dependency answers; throws (or rejects) when it does not. */
  check(): Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly error?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks: readonly CheckResult[];
}

export class HealthChecks {
  private readonly checks: HealthCheck[] = [];

  constructor(private readonly timeoutMs = 2000) {}

  add(check: HealthCheck): this {
    this.checks.push(check);
    return this;
  }

  live(): HealthReport {
    return { status: 'ok', checks: [] };
  }

  async ready(): Promise<HealthReport> {
    const results = await Promise.all(this.checks.map((c) => this.run(c)));
    return { status: results.every((r) => r.ok) ? 'ok' : 'unavailable', checks: results };
  }

  private async run(check: HealthCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { name: check.name, ok: true, ms: Math.round(performance.now() - started) };
    } catch (error) {
      return { name: check.name, ok: false, ms: Math.round(performance.now() - started), error: redact(error instanceof Error ? error.message : String(error)) };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/** Removes credentials from a URL or message before it is shown or logged. */
export function redact(text: string): string {
  return text
    .replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@')
    .replace(/(bearer\s+)[^\s"']+/gi, '$1***')
    .replace(/((?:password|token|secret)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1***');
}
