// The asset spec in its serializable JSON form, the same form scenario files and the
// definitions topic use. The planner sees only this, never user code.
import { Type, type Static } from '@sinclair/typebox';
import { AssetKey, NonEmptyString, Strict } from './common';

const Integer = Type.Integer();

export const PartitionMapping = Type.Union(
  [
    Strict({ kind: Type.Literal('identity') }),
    Strict({
      kind: Type.Literal('timeWindow'),
      startOffset: Type.Optional(Integer),
      endOffset: Type.Optional(Integer),
      allowNonexistentUpstreamPartitions: Type.Optional(Type.Boolean()),
    }),
    Strict({ kind: Type.Literal('all') }),
    Strict({ kind: Type.Literal('last') }),
    Strict({
      kind: Type.Literal('static'),
      map: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())])),
    }),
  ],
  { description: 'How partitions of an upstream asset map onto partitions of the downstream one' },
);

export const AssetDep = Type.Union([
  AssetKey,
  Strict({ key: AssetKey, mapping: Type.Optional(PartitionMapping) }),
]);

export const TimePartitions = Strict({
  kind: Type.Union([Type.Literal('hourly'), Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('monthly')]),
  start: NonEmptyString,
  end: Type.Optional(NonEmptyString),
  timezone: Type.Optional(NonEmptyString),
  minuteOffset: Type.Optional(Type.Integer({ minimum: 0, maximum: 59 })),
  hourOffset: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
  dayOffset: Type.Optional(Type.Integer({ minimum: 0, maximum: 31 })),
  endOffset: Type.Optional(Integer),
});

export const StaticPartitions = Strict({
  kind: Type.Literal('static'),
  keys: Type.Array(NonEmptyString, { uniqueItems: true }),
});

export const PartitionsSpec = Type.Union([TimePartitions, StaticPartitions]);

export const FreshnessPolicy = Strict({
  maximumLagMinutes: Type.Number({ minimum: 0 }),
  cronSchedule: Type.Optional(NonEmptyString),
  cronTimezone: Type.Optional(NonEmptyString),
});

const PolicyName = Type.Union([Type.Literal('eager'), Type.Literal('lazy')]);
// Rule names are open-ended on purpose: the planner may add rules within v1.
const RuleName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*$' });

export const AutomationPolicy = Type.Union([
  Type.Union([Type.Literal('eager'), Type.Literal('lazy'), Type.Literal('none')]),
  Strict({
    policy: PolicyName,
    maxMaterializationsPerMinute: Type.Optional(Type.Integer({ minimum: 1 })),
    retryAfterFailureMinutes: Type.Optional(Type.Number({ minimum: 0 })),
    cronSchedule: Type.Optional(NonEmptyString),
    materializeOn: Type.Optional(Type.Array(RuleName)),
    skipOn: Type.Optional(Type.Array(RuleName)),
    partitionScopeMinutes: Type.Optional(Type.Number({ minimum: 0 })),
  }),
]);

export const AssetSpec = Strict(
  {
    key: AssetKey,
    kind: Type.Optional(
      Type.Union([Type.Literal('materializable'), Type.Literal('source'), Type.Literal('observableSource')]),
    ),
    deps: Type.Optional(Type.Array(AssetDep)),
    codeVersion: Type.Optional(Type.String()),
    partitions: Type.Optional(PartitionsSpec),
    freshness: Type.Optional(FreshnessPolicy),
    automation: Type.Optional(AutomationPolicy),
    multiAsset: Type.Optional(NonEmptyString),
    canSubset: Type.Optional(Type.Boolean()),
    codeLocation: Type.Optional(NonEmptyString),
    description: Type.Optional(Type.String()),
    group: Type.Optional(NonEmptyString),
  },
  { title: 'AssetSpec', description: 'A serializable asset definition (key, deps, partitions, policies)' },
);

export type AssetSpec = Static<typeof AssetSpec>;
export type PartitionMapping = Static<typeof PartitionMapping>;
export type PartitionsSpec = Static<typeof PartitionsSpec>;
export type FreshnessPolicy = Static<typeof FreshnessPolicy>;
export type AutomationPolicy = Static<typeof AutomationPolicy>;
