// Maps dbt's run_results.json onto per-asset outcomes (README "Run results"):
//   model/seed/snapshot `success`                → materialized
//     … with an attached test `fail`/`error`      → failed, with the test's message (the table was
//                                                   written, but dbt does not trust it: its children
//                                                   were skipped, and Freshet will retry it)
//     … with an attached test `warn`              → materialized, warnings in metadata
//   `error`                                       → failed, with dbt's message
//   `skipped`                                     → upstreamFailed, blocked by the nearest failed
//                                                   asset upstream in the same invocation
//   selected but absent from the results          → failed (dbt stopped before it: see the log)
import type { Metadata } from '@freshet/sdk';
import type { DbtProjectGraph } from '../manifest/project-graph';
import type { JsonObject } from '../manifest/types';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface DbtNodeResult {
  readonly uniqueId: string;
  readonly status: string;
  readonly message: string | null;
  readonly executionTime: number | null;
  readonly failures: number | null;
  readonly rowsAffected: number | null;
  readonly adapterMessage: string | null;
  readonly relationName: string | null;
}

export interface DbtRunResults {
  readonly invocationId: string | null;
  readonly dbtVersion: string | null;
  readonly elapsedTime: number | null;
  readonly results: ReadonlyMap<string, DbtNodeResult>;
}

export function readRunResults(value: unknown): DbtRunResults {
  const root = isObject(value) ? value : {};
  const metadata = isObject(root.metadata) ? root.metadata : {};
  const results = new Map<string, DbtNodeResult>();
  for (const raw of Array.isArray(root.results) ? (root.results as unknown[]) : []) {
    if (!isObject(raw) || typeof raw.unique_id !== 'string') continue;
    const adapter = isObject(raw.adapter_response) ? raw.adapter_response : {};
    results.set(raw.unique_id, {
      uniqueId: raw.unique_id,
      status: typeof raw.status === 'string' ? raw.status : 'unknown',
      message: typeof raw.message === 'string' ? raw.message : null,
      executionTime: typeof raw.execution_time === 'number' ? raw.execution_time : null,
      failures: typeof raw.failures === 'number' ? raw.failures : null,
      rowsAffected: typeof adapter.rows_affected === 'number' ? adapter.rows_affected : null,
      adapterMessage: typeof adapter._message === 'string' ? adapter._message : null,
      relationName: typeof raw.relation_name === 'string' ? raw.relation_name : null,
    });
  }
  return {
    invocationId: typeof metadata.invocation_id === 'string' ? metadata.invocation_id : null,
    dbtVersion: typeof metadata.dbt_version === 'string' ? metadata.dbt_version : null,
    elapsedTime: typeof root.elapsed_time === 'number' ? root.elapsed_time : null,
    results,
  };
}

export type AssetOutcome =
  | { readonly status: 'materialized'; readonly metadata: Metadata }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'upstreamFailed'; readonly blockedBy: string | null; readonly message: string };

const TEST_FAILED = new Set(['fail', 'error']);

function testName(graph: DbtProjectGraph, testId: string): string {
  return graph.manifest.nodes.get(testId)?.name ?? testId;
}

/** The failed asset nearest upstream of `uniqueId` (through non-asset nodes such as ephemerals). */
function blockingAsset(graph: DbtProjectGraph, uniqueId: string, failed: ReadonlySet<string>): string | null {
  const seen = new Set<string>();
  let frontier = [...(graph.manifest.nodes.get(uniqueId)?.dependsOnNodes ?? [])].sort(compare);
  while (frontier.length > 0) {
    const hit = frontier.find((id) => failed.has(id));
    if (hit !== undefined) return hit;
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      next.push(...(graph.manifest.nodes.get(id)?.dependsOnNodes ?? []));
    }
    frontier = [...new Set(next)].sort(compare);
  }
  return null;
}

/**
 * The outcome of each selected asset (by unique id). `invocationProblem` describes why dbt ended
 * abnormally (exit 2, no run_results), for assets that have no result of their own.
 */
export function assetOutcomes(
  graph: DbtProjectGraph,
  selected: readonly string[],
  runResults: DbtRunResults | null,
  invocationProblem: string | null,
): Map<string, AssetOutcome> {
  const results = runResults?.results ?? new Map<string, DbtNodeResult>();
  const outcomes = new Map<string, AssetOutcome>();
  const failed = new Set<string>();
  const order = [...selected].sort(compare);
  for (const id of order) {
    const result = results.get(id);
    if (!result) continue;
    if (result.status === 'success') {
      const tests = (graph.testsOf.get(id) ?? []).map((t) => results.get(t)).filter((r): r is DbtNodeResult => r !== undefined);
      const failing = tests.filter((t) => TEST_FAILED.has(t.status));
      if (failing.length > 0) {
        failed.add(id);
        const reasons = failing.map((t) => `dbt test ${testName(graph, t.uniqueId)} ${t.status === 'error' ? 'errored' : 'failed'}: ${t.message ?? t.status}`);
        outcomes.set(id, { status: 'failed', message: reasons.join('\n') });
        continue;
      }
      const warnings = tests.filter((t) => t.status === 'warn').map((t) => `${testName(graph, t.uniqueId)}: ${t.message ?? 'warn'}`);
      const metadata: Record<string, Metadata[string]> = {
        dbtUniqueId: id,
        dbtStatus: result.status,
        dbtTests: tests.length,
      };
      if (result.adapterMessage !== null) metadata.dbtAdapterMessage = result.adapterMessage;
      if (result.rowsAffected !== null) metadata.rowsAffected = result.rowsAffected;
      if (result.executionTime !== null) metadata.executionSeconds = Math.round(result.executionTime * 1000) / 1000;
      if (result.relationName !== null) metadata.relation = result.relationName;
      if (runResults?.invocationId) metadata.dbtInvocationId = runResults.invocationId;
      if (warnings.length > 0) metadata.dbtTestWarnings = warnings;
      outcomes.set(id, { status: 'materialized', metadata });
    } else if (result.status === 'error') {
      failed.add(id);
      outcomes.set(id, { status: 'failed', message: `dbt: ${result.message ?? 'error'}` });
    }
  }
  for (const id of order) {
    if (outcomes.has(id)) continue;
    const result = results.get(id);
    if (result?.status === 'skipped') {
      const blocker = blockingAsset(graph, id, failed);
      outcomes.set(id, {
        status: 'upstreamFailed',
        blockedBy: blocker,
        message: blocker === null ? 'skipped by dbt' : `skipped by dbt: ${blocker} failed earlier in this build`,
      });
    } else if (result) {
      failed.add(id);
      outcomes.set(id, { status: 'failed', message: `dbt: unexpected status ${result.status}${result.message ? `: ${result.message}` : ''}` });
    } else {
      failed.add(id);
      outcomes.set(id, { status: 'failed', message: `dbt did not run it${invocationProblem ? `: ${invocationProblem}` : ''}` });
    }
  }
  return outcomes;
}
