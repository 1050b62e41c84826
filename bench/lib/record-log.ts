// Plays the event log for a benchmark: assigns storage ids and timestamps and applies each record
// to the planner's state, the way the planner service does when events arrive. Materializations
// carry the input pointers and data version a worker would write.

import {
  computeDataVersion,
  currentInputs,
  type AssetPartitionRef,
  type InputPointer,
  type Instant,
  type NewRecord,
  type PlannerState,
} from '@freshet/domain';

export class RecordLog {
  private nextStorageId = 1;
  private runCounter = 0;

  constructor(readonly state: PlannerState) {}

  append(record: NewRecord, timestamp: Instant): number {
    const storageId = this.nextStorageId++;
    this.state.apply({ ...record, storageId, timestamp });
    return storageId;
  }

  newRunId(prefix: string): string {
    return `${prefix}-${++this.runCounter}`;
  }

  /** What a worker starting `ap` now would read (pointers to the newest parent records). */
  inputsOf(ap: AssetPartitionRef, now: Instant): Record<string, InputPointer> {
    const node = this.state.graph.get(ap.asset);
    if (!node) throw new Error(`unknown asset ${ap.asset}`);
    return currentInputs(this.state.graph, this.state, ap.asset, this.state.partitionIndex(node, ap.partition), now);
  }

  /** Writes a materialization with inputs read earlier (at the step's start) and lands it at `at`. */
  materialize(ap: AssetPartitionRef, runId: string | null, inputs: Record<string, InputPointer>, at: Instant): number {
    const node = this.state.graph.get(ap.asset);
    const codeVersion = node?.codeVersion ?? runId ?? `manual-${this.nextStorageId}`;
    // An asset that reads no tracked input gets a new data version on every materialization
    // (SEMANTICS: its output depends on data Freshet cannot see); otherwise code + inputs decide.
    const dataVersion = Object.keys(inputs).length === 0 ? `untracked-${this.nextStorageId}` : computeDataVersion(codeVersion, inputs);
    return this.append({ type: 'materialization', asset: ap.asset, partition: ap.partition, runId, codeVersion, dataVersion, inputs }, at);
  }

  /** A run that starts and finishes at `at`, materializing `aps` in the given (dependency) order. */
  instantRun(aps: readonly AssetPartitionRef[], at: Instant, codeLocation = 'default'): string {
    const runId = this.newRunId('run');
    this.append({ type: 'runPlanned', runId, codeLocation, assetPartitions: aps }, at);
    for (const ap of aps) this.materialize(ap, runId, this.inputsOf(ap, at), at);
    this.append({ type: 'runFinished', runId, status: 'success', failed: [] }, at);
    return runId;
  }
}
