// `dbtAssets({projectDir, profilesDir, target, ...})`: a dbt project as SDK definitions to put in
// `defineCodeLocation`. Every model, seed and snapshot becomes a member of one subsettable
// multi-asset, so the assets of a run that belong to the project are built by ONE dbt invocation;
// dbt sources become source definitions (observable when dbt knows how to tell their load time).
import { parseAssetSpecs, InvalidSpecsError } from '@freshet/domain';
import {
  observableSource,
  source,
  type AssetSpecJson,
  type ComputeResult,
  type MemberFailure,
  type MultiAssetDefinition,
  type MultiComputeFn,
  type SourceLike,
} from '@freshet/sdk';
import { DbtError } from './errors';
import { loadManifest, type LoadProjectOptions } from './load/load-project';
import { buildProjectGraph, type DbtProjectGraph, type ProjectGraphOptions } from './manifest/project-graph';
import { observeIntervalSeconds, sourceObserver } from './observe/observe-source';
import { runDbtSubset, type DbtRunCommand, type RunSubsetResult } from './run/run-subset';

export interface LoadDbtProjectOptions extends LoadProjectOptions, ProjectGraphOptions {}

export interface LoadedDbtProject {
  readonly graph: DbtProjectGraph;
  readonly manifestPath: string;
  /** True when loading ran `dbt parse` (the manifest was missing or stale). */
  readonly parsed: boolean;
}

/** Reads (parsing when needed) a dbt project's manifest and maps it onto assets. */
export function loadDbtProject(options: LoadDbtProjectOptions): LoadedDbtProject {
  const { manifest, manifestPath, parsed } = loadManifest(options);
  return { graph: buildProjectGraph(manifest, options), manifestPath, parsed };
}

export interface DbtAssetsOptions extends LoadDbtProjectOptions {
  /** The multi-asset's name (runs and logs show it); default `dbt_<project name>`. */
  readonly name?: string;
  /** `build` (default; runs the tests of what it builds) or `run` (models only, no tests). */
  readonly command?: DbtRunCommand;
  /** dbt `--threads`; default: the profile's. */
  readonly threads?: number;
  /** More arguments for every run invocation. */
  readonly extraArgs?: readonly string[];
  /** SQL resource the observer queries dbt sources through; default `warehouse`. */
  readonly warehouseResource?: string;
  /**
   * Keys of dbt sources that other assets of the code location produce (a TypeScript asset that
   * loads the table dbt reads): no source definition is made for them, so the dbt models depend
   * on those assets instead.
   */
  readonly sourcesDefinedElsewhere?: readonly string[];
  readonly timeoutSeconds?: number;
  /** Where per-run dbt target and log folders go (default the OS temp dir), and whether to keep them. */
  readonly artifactsDir?: string;
  readonly keepArtifacts?: boolean;
  /** Called after every dbt invocation of a run (for tooling and tests). */
  readonly onInvocation?: (result: RunSubsetResult) => void;
}

export interface DbtProjectAssets extends LoadedDbtProject {
  /** Put these in `defineCodeLocation({ assets })`: one multi-asset holding every dbt asset. */
  readonly assets: readonly MultiAssetDefinition[];
  /** Put these in `defineCodeLocation({ sources })`. */
  readonly sources: readonly SourceLike[];
  /** The specs of every dbt asset and source, as published (sorted by key). */
  readonly specs: readonly AssetSpecJson[];
}

function withoutDisplayFields(spec: AssetSpecJson): Record<string, unknown> {
  const { description: _description, group: _group, ...rest } = spec;
  return rest;
}

/** Checks the specs with the planner's own validator, so a bad policy in dbt meta fails at load. */
function validate(specs: readonly AssetSpecJson[], elsewhere: readonly string[], graph: DbtProjectGraph): void {
  const standIns = elsewhere.map((key) => ({ key, kind: 'source' }));
  try {
    parseAssetSpecs([...specs.map(withoutDisplayFields), ...standIns]);
  } catch (error) {
    if (!(error instanceof InvalidSpecsError)) throw error;
    const lines = error.problems.map((p) => {
      const index = Number(/^\$\.assets\[(\d+)\]/.exec(p.path)?.[1] ?? -1);
      const key = specs[index]?.key;
      const uniqueId = [...graph.keyOf].find(([, k]) => k === key)?.[0];
      return `${uniqueId ?? key ?? p.path}: ${p.path.replace(/^\$\.assets\[\d+\]\.?/, '') || 'spec'} ${p.message}`;
    });
    throw new DbtError('invalidPolicy', `the dbt project's Freshet config is invalid:\n  ${lines.join('\n  ')}`);
  }
}

export function dbtAssets(options: DbtAssetsOptions): DbtProjectAssets {
  const loaded = loadDbtProject(options);
  const { graph } = loaded;
  const name = options.name ?? `dbt_${graph.manifest.projectName || 'project'}`;
  const elsewhere = [...(options.sourcesDefinedElsewhere ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const unknownElsewhere = elsewhere.filter((key) => !graph.sources.some((s) => s.key === key));
  if (unknownElsewhere.length > 0) {
    throw new DbtError('unknownSelection', `sourcesDefinedElsewhere names keys that are no dbt source: ${unknownElsewhere.join(', ')}`);
  }

  const memberSpecs: AssetSpecJson[] = graph.assets.map((a) => {
    const { description, group, ...rest } = a.spec;
    return {
      ...rest,
      multiAsset: name,
      canSubset: true,
      ...(description === undefined ? {} : { description }),
      ...(group === undefined ? {} : { group }),
    };
  });
  const keptSources = graph.sources.filter((s) => !elsewhere.includes(s.key));
  validate([...keptSources.map((s) => s.spec), ...memberSpecs], elsewhere, graph);

  const idOfKey = new Map(graph.assets.map((a) => [a.key, a.uniqueId] as const));
  const seedVersion = new Map(graph.assets.filter((a) => a.node.resourceType === 'seed').map((a) => [a.key, `seed-${a.node.checksum.slice(0, 16)}`] as const));

  const compute: MultiComputeFn = async (ctx) => {
    const selected = ctx.selected.map((key) => {
      const id = idOfKey.get(key);
      if (id === undefined) throw new DbtError('unknownSelection', `${key} is not an asset of dbt project ${name}`);
      return id;
    });
    ctx.logger.info(`dbt ${options.command ?? 'build'}: ${selected.length} asset(s)`, { selected: [...ctx.selected] });
    const result = await runDbtSubset({
      ...options,
      graph,
      selected,
      manifestPath: loaded.manifestPath,
      runEnv: ctx.env,
      signal: ctx.signal,
      onLine: (line) => {
        const key = typeof line.fields.dbtUniqueId === 'string' ? graph.keyOf.get(line.fields.dbtUniqueId) : undefined;
        ctx.logger[line.level](line.message, key === undefined ? line.fields : { ...line.fields, asset: key });
      },
    });
    options.onInvocation?.(result);
    const { invocation } = result;
    ctx.logger.info(`dbt exited with ${invocation.exitCode ?? 'a signal'} after ${invocation.durationMs} ms`, { args: [...invocation.args] });
    const out: Record<string, ComputeResult | MemberFailure> = {};
    for (const key of ctx.selected) {
      const outcome = result.outcomes.get(idOfKey.get(key) as string);
      if (!outcome) continue;
      if (outcome.status === 'materialized') {
        const dataVersion = seedVersion.get(key);
        out[key] = { metadata: outcome.metadata, ...(dataVersion === undefined ? {} : { dataVersion }) };
      } else if (outcome.status === 'failed') {
        out[key] = { failed: true, error: { name: 'DbtNodeFailed', message: outcome.message } };
      } else {
        const blockedBy = outcome.blockedBy === null ? undefined : graph.keyOf.get(outcome.blockedBy);
        out[key] = blockedBy === undefined
          ? { failed: true, error: { name: 'DbtNodeSkipped', message: outcome.message } }
          : { failed: true, error: { name: 'UpstreamFailed', message: outcome.message }, blockedBy };
      }
    }
    return out;
  };

  const multi: MultiAssetDefinition = {
    definitionKind: 'multiAsset',
    name,
    canSubset: true,
    specs: memberSpecs,
    compute,
    timeoutMs: options.timeoutSeconds === undefined ? null : Math.round(options.timeoutSeconds * 1000),
  };

  const resource = options.warehouseResource ?? 'warehouse';
  const sources: SourceLike[] = keptSources.map((s) => {
    const shown = { ...(s.spec.description === undefined ? {} : { description: s.spec.description }) };
    return s.observeQuery === null
      ? source({ key: s.key, ...shown })
      : observableSource({ key: s.key, observe: sourceObserver(s, { resource }), intervalSeconds: observeIntervalSeconds(s), ...shown });
  });

  const specs = [...memberSpecs, ...sources.map((s) => s.spec)].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...loaded, assets: [multi], sources, specs };
}
