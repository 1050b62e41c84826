// "Why did or didn't X run at 09:00?", answered from the stored ticks: the planner's latest
// decision about X at or before that instant, whether it still held then (a later stored tick that
// no longer mentions X means X was owed nothing any more), what became of the run it requested,
// and when X was last materialized before that instant.
import type { TickReport } from '@freshet/runtime';
import type { RunRecord } from '@freshet/storage';
import type { LogFollower, StoredDecision } from './log-follower';

export interface WhyAnswer {
  readonly asset: string;
  readonly at: string;
  /** The answer in sentences a person can read. */
  readonly answer: string;
  readonly decision: StoredDecision | null;
  /** False when a later stored tick (still before `at`) no longer mentioned the asset. */
  readonly stillHeldAt: boolean;
  readonly run: { readonly runId: string; readonly status: string; readonly finishedAt: string | null; readonly error: string | null } | null;
  readonly lastMaterializedAt: string | null;
}

export interface ExplainInput {
  readonly asset: string;
  readonly at: number;
  /** Asked about now (no instant given): the answer is in the present tense. */
  readonly asOfNow: boolean;
  readonly follower: LogFollower;
  readonly decision: StoredDecision | null;
  readonly run: RunRecord | null;
  readonly report: TickReport;
  readonly now: number;
}

const clock = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function partitionsText(d: StoredDecision): string {
  if (d.partitions === null) return '';
  if (d.partitionCount === 1 && d.partitions.length === 1) return ` partition ${d.partitions[0] ?? ''}`;
  const listed = d.partitions.slice(0, 3).join(', ');
  return ` ${d.partitionCount} partitions (${listed}${d.partitionCount > 3 ? ', …' : ''})`;
}

export function explain(input: ExplainInput): WhyAnswer {
  const { asset, at, follower, decision, run } = input;
  const lastMat = [...follower.materializationsOf(asset)].reverse().find((m) => m.at <= at) ?? null;
  const { asOfNow } = input;
  const partitionText = lastMat && lastMat.partition !== null ? ` (partition ${lastMat.partition})` : '';
  const materializedText = lastMat
    ? `${asset} was last materialized${asOfNow ? '' : ' before then'} at ${clock(lastMat.at)}${partitionText}.`
    : `${asset} ${asOfNow ? 'has never been materialized' : 'had never been materialized by then'}.`;
  const runInfo = run ? { runId: run.runId, status: run.status, finishedAt: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(), error: run.error } : null;
  const base = { asset, at: new Date(at).toISOString(), decision, run: runInfo, lastMaterializedAt: lastMat ? new Date(lastMat.at).toISOString() : null };
  if (!decision) {
    const text = `No stored planner tick up to ${clock(at)} decided anything about ${asset}: it was never a candidate (nothing was owed). ${materializedText}`;
    return { ...base, answer: text, stillHeldAt: false };
  }
  const later = follower.storedTicks().find((t) => t.storageId > decision.tickStorageId && t.at <= at && !t.assets.has(asset));
  const what = partitionsText(decision);
  let text: string;
  switch (decision.kind) {
    case 'requested': {
      text = `${asset}${what} was requested at ${clock(decision.at)} (${decision.reasons.join(', ')}): ${decision.sentence}.`;
      if (run) {
        const finished = run.finishedAt === null ? '' : ` at ${clock(run.finishedAt)}`;
        text += ` Run ${run.runId} ${run.status === 'succeeded' || run.status === 'failed' ? `${run.status}${finished}` : `was ${run.status}`}${run.error ? `: ${run.error}` : ''}.`;
      }
      break;
    }
    case 'skipped': {
      const candidate = decision.candidateReasons.length > 0 ? ` It was a candidate (${decision.candidateReasons.join(', ')}).` : '';
      text = `${asset}${what} did not run: at ${clock(decision.at)} the planner skipped it (${decision.reasons.join(', ')}): ${decision.sentence}.${candidate}`;
      break;
    }
    case 'discarded':
      text = `${asset}${what} did not run: at ${clock(decision.at)} the planner discarded it: ${decision.sentence}.`;
      break;
  }
  if (later) text += ` From ${clock(later.at)} on, the planner no longer had anything owed for ${asset}.`;
  return { ...base, answer: `${text} ${materializedText}`, stillHeldAt: later === undefined };
}
