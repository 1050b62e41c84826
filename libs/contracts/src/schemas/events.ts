// One payload schema per event type version. A changed payload is a new type (`…v2`) with its
// own schema; v1 stays decodable for ever (golden fixtures in libs/contracts/fixtures).
import { Type, type Static } from '@sinclair/typebox';
import { AssetSpec, FreshnessPolicy } from './asset-spec';
import { AssetKey, ErrorInfo, Explained, NonEmptyString, PartitionKey, Strict, Timestamp } from './common';

const RunId = Type.String({ minLength: 1, maxLength: 256, description: 'Run id, unique per run' });
const DataVersion = Type.String({ minLength: 1, maxLength: 512 });
const Minutes = Type.Number({ minimum: 0 });

export const DefinitionsV1 = Strict(
  {
    codeLocation: NonEmptyString,
    assets: Type.Array(AssetSpec),
    sources: Type.Array(
      Strict({
        asset: AssetKey,
        observeIntervalSeconds: Type.Number({ exclusiveMinimum: 0, description: 'How often the observer observes it' }),
      }),
      { description: 'Observable sources of this code location and their observation interval' },
    ),
  },
  { title: 'Definitions', description: "A code location's asset specs, replacing its previous ones" },
);

export const SourceChangeV1 = Strict(
  {
    asset: AssetKey,
    partition: Type.Optional(PartitionKey),
    dataVersion: Type.Optional(DataVersion),
    occurredAt: Timestamp,
  },
  { title: 'SourceChange', description: 'A source asset changed outside Freshet' },
);

export const ObservationV1 = Strict(
  {
    asset: AssetKey,
    partition: Type.Optional(PartitionKey),
    dataVersion: DataVersion,
    observedAt: Timestamp,
  },
  { title: 'Observation', description: 'The observed data version of a source asset (partition)' },
);

const AssetPartition = Strict({ asset: AssetKey, partition: Type.Optional(PartitionKey) });

export const MaterializationRequestV1 = Strict(
  {
    runId: RunId,
    codeLocation: NonEmptyString,
    assetPartitions: Type.Array(AssetPartition, { minItems: 1 }),
    reasons: Type.Array(
      Strict({
        asset: AssetKey,
        partition: Type.Optional(PartitionKey),
        codes: Type.Array(NonEmptyString, { minItems: 1, description: 'missing, parentUpdated, freshness, …' }),
        sentence: Type.String({ minLength: 1, description: 'Why, in a sentence a person can read' }),
      }),
    ),
    attempt: Type.Integer({ minimum: 1 }),
    plannerEpoch: Type.Integer({ minimum: 0, description: 'Fencing token of the planner that issued it' }),
    requestedAt: Timestamp,
    backfillId: Type.Optional(NonEmptyString),
  },
  { title: 'MaterializationRequest', description: 'The planner asks a code location to run asset partitions' },
);

const InputPointer = Strict({
  asset: AssetKey,
  partition: Type.Optional(PartitionKey),
  storageId: Type.String({ minLength: 1, description: 'Event-log id of the input materialization' }),
  dataVersion: DataVersion,
});

export const RunEventV1 = Type.Union(
  [
    Strict({
      kind: Type.Literal('started'),
      runId: RunId,
      codeLocation: NonEmptyString,
      workerId: NonEmptyString,
      attempt: Type.Integer({ minimum: 1 }),
      startedAt: Timestamp,
    }),
    Strict({
      kind: Type.Literal('assetMaterialized'),
      runId: RunId,
      asset: AssetKey,
      partition: Type.Optional(PartitionKey),
      dataVersion: DataVersion,
      codeVersion: Type.String(),
      inputs: Type.Array(InputPointer),
      dataTime: Type.Union([Timestamp, Type.Null()], { description: 'Newest source data it reflects; null if unknown' }),
      durationMs: Type.Integer({ minimum: 0 }),
      materializedAt: Timestamp,
    }),
    Strict({
      kind: Type.Literal('assetFailed'),
      runId: RunId,
      asset: AssetKey,
      partition: Type.Optional(PartitionKey),
      error: ErrorInfo,
      failedAt: Timestamp,
    }),
    Strict({
      kind: Type.Literal('completed'),
      runId: RunId,
      completedAt: Timestamp,
      durationMs: Type.Integer({ minimum: 0 }),
    }),
    Strict({
      kind: Type.Literal('failed'),
      runId: RunId,
      error: ErrorInfo,
      failedAt: Timestamp,
      durationMs: Type.Integer({ minimum: 0 }),
    }),
  ],
  { title: 'RunEvent', description: 'Progress of a run, discriminated by `kind`' },
);

export const StalenessV1 = Strict(
  {
    asset: AssetKey,
    partition: Type.Optional(PartitionKey),
    status: Type.Union([Type.Literal('fresh'), Type.Literal('stale'), Type.Literal('missing')]),
    causes: Type.Array(Explained(NonEmptyString), { description: 'Why it is stale; empty when fresh' }),
    changedAt: Timestamp,
  },
  { title: 'Staleness', description: 'A staleness status change of an asset (partition)' },
);

const violationCommon = {
  asset: AssetKey,
  partition: Type.Optional(PartitionKey),
  partitionRange: Type.Optional(
    Strict(
      {
        first: PartitionKey,
        last: PartitionKey,
        count: Type.Integer({ minimum: 2 }),
      },
      {
        description:
          'Present when the change covers consecutive partitions that became violated (or resolved) at once, e.g. a new asset with missing history: ' +
          '`partition` and the figures are those of the first (oldest) one, this names the whole range',
      },
    ),
  ),
  overdueMinutes: Minutes,
  policy: FreshnessPolicy,
  dataTime: Type.Union([Timestamp, Type.Null()], { description: 'Data time of the asset at that moment' }),
  startedAt: Timestamp,
};

export const FreshnessViolationV1 = Type.Union(
  [
    Strict({ status: Type.Literal('violated'), ...violationCommon }),
    Strict({
      status: Type.Literal('resolved'),
      ...violationCommon,
      resolvedAt: Timestamp,
      durationMinutes: Minutes,
    }),
  ],
  { title: 'FreshnessViolation', description: 'A freshness policy became violated, or was resolved' },
);

export const DeadLetterV1 = Strict(
  {
    originalTopic: NonEmptyString,
    originalPartition: Type.Integer({ minimum: 0 }),
    originalOffset: Type.String({ pattern: '^[0-9]+$' }),
    originalKey: Type.Union([Type.String(), Type.Null()]),
    value: Strict({
      encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
      data: Type.String(),
      originalBytes: Type.Integer({ minimum: 0, description: 'Size of the original value' }),
      truncated: Type.Boolean({ description: 'True when `data` holds only the first bytes of a very large value' }),
    }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    reason: Type.String({ minLength: 1 }),
    nonRetriable: Type.Boolean({ description: 'Rejected at once (true) or after exhausting retries (false)' }),
    service: NonEmptyString,
    group: NonEmptyString,
    attempts: Type.Integer({ minimum: 1 }),
    failedAt: Timestamp,
  },
  { title: 'DeadLetter', description: 'A message a consumer rejected, with the raw value and the reason' },
);

export type DefinitionsV1 = Static<typeof DefinitionsV1>;
export type SourceChangeV1 = Static<typeof SourceChangeV1>;
export type ObservationV1 = Static<typeof ObservationV1>;
export type MaterializationRequestV1 = Static<typeof MaterializationRequestV1>;
export type RunEventV1 = Static<typeof RunEventV1>;
export type StalenessV1 = Static<typeof StalenessV1>;
export type FreshnessViolationV1 = Static<typeof FreshnessViolationV1>;
export type DeadLetterV1 = Static<typeof DeadLetterV1>;
