// Figures for benchmark output: percentiles, memory peaks, and "target ✓/✗" lines.

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export const MIB = 1024 * 1024;

/** Peak RSS (from the OS: ru_maxrss) and the largest heap-used sample taken with `sample()`. */
export class MemoryPeak {
  private heapUsed = 0;

  sample(): void {
    this.heapUsed = Math.max(this.heapUsed, process.memoryUsage().heapUsed);
  }

  get peakHeapUsedBytes(): number {
    return this.heapUsed;
  }

  /** Peak resident set size of the whole process so far. */
  get peakRssBytes(): number {
    return process.resourceUsage().maxRSS * 1024;
  }
}

/** `label  measured  (target: < X) ✓` — the mark says whether the measured figure meets the target. */
export function targetLine(label: string, measured: string, target: string, met: boolean): string {
  return `  ${label.padEnd(44)} ${measured.padStart(12)}   target ${target.padEnd(12)} ${met ? '✓' : '✗'}`;
}

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(0)} MiB`;
}

/** Runs the GC when the process was started with --expose-gc (no-op otherwise). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}
