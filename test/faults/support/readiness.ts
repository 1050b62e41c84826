// Polls every running service's /health/ready (the planner's API port, the observer's and
// workers' ops port) and keeps what each answered when, so an outage test can check that the
// services said "unready" while a dependency was away and "ready" again after, and how long
// after the dependency's return that took.
export interface ReadinessTarget {
  readonly name: string;
  readonly url: string;
}

export interface ReadinessSweep {
  readonly at: number;
  /** Service name → ready (HTTP 200) or not (503, no answer). */
  readonly ready: Readonly<Record<string, boolean>>;
}

export class ReadinessWatch {
  readonly sweeps: ReadinessSweep[] = [];
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly targets: () => readonly ReadinessTarget[],
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const targets = this.targets();
        const answers = await Promise.all(targets.map(async (target) => [target.name, await isReady(target.url)] as const));
        this.sweeps.push({ at: Date.now(), ready: Object.fromEntries(answers) });
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Services that answered "not ready" at least once between `from` and `to`. */
  unreadyBetween(from: number, to: number): string[] {
    const names = new Set<string>();
    for (const sweep of this.sweeps) {
      if (sweep.at < from || sweep.at > to) continue;
      for (const [name, ready] of Object.entries(sweep.ready)) if (!ready) names.add(name);
    }
    return [...names].sort((a, b) => a.localeCompare(b));
  }

  /** The first sweep after `after` in which every service answered ready, or undefined. */
  allReadyAfter(after: number): number | undefined {
    return this.sweeps.find((sweep) => sweep.at >= after && Object.keys(sweep.ready).length > 0 && Object.values(sweep.ready).every(Boolean))?.at;
  }

  /** The last answer of each service, for a failure message. */
  last(): Readonly<Record<string, boolean>> {
    return this.sweeps[this.sweeps.length - 1]?.ready ?? {};
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
