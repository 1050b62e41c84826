// Every Kafka topic of Freshet in one module: names, what the key is, how many partitions.
// Partition counts bound the parallelism of a consumer group (a group cannot use more members
// than a topic has partitions), so they are set per topic by who consumes it.

/** A topic as the bus creates it. `configEntries` are Kafka topic configs, passed through. */
export interface TopicConfig {
  readonly name: string;
  readonly partitions: number;
  /** Omitted: the adapter's default (1 on a single broker). */
  readonly replicationFactor?: number;
  readonly configEntries?: Readonly<Record<string, string>>;
}

export interface TopicDefinition {
  readonly name: string;
  /** What the message key is; same key ⇒ same partition ⇒ ordered. */
  readonly keyRule: string;
  readonly partitions: number;
  /** Compacted topics keep the latest message per key forever (definitions). */
  readonly compacted: boolean;
  readonly description: string;
}

export const TOPICS = {
  definitions: {
    name: 'freshet.definitions.v1',
    keyRule: 'code location name',
    partitions: 3,
    compacted: true,
    description: 'A code location publishes its asset specs and code versions at start-up.',
  },
  sourceChanges: {
    name: 'freshet.source-changes.v1',
    keyRule: 'asset key',
    partitions: 6,
    compacted: false,
    description: 'Any external system announces that a source asset changed.',
  },
  observations: {
    name: 'freshet.observations.v1',
    keyRule: 'asset key',
    partitions: 6,
    compacted: false,
    description: 'The observer reports the observed data version of a source asset (partition).',
  },
  materializationRequests: {
    name: 'freshet.materialization-requests.v1',
    keyRule: "asset key of the run's first asset",
    partitions: 12,
    compacted: false,
    description: 'The planner asks the workers of a code location to run asset partitions.',
  },
  runEvents: {
    name: 'freshet.run-events.v1',
    keyRule: 'run id',
    partitions: 6,
    compacted: false,
    description: 'Workers report run progress: started, asset materialized or failed, completed or failed.',
  },
  staleness: {
    name: 'freshet.staleness.v1',
    keyRule: 'asset key',
    partitions: 6,
    compacted: false,
    description: 'The planner announces staleness status changes: fresh, stale (with causes), missing.',
  },
  freshnessViolations: {
    name: 'freshet.freshness-violations.v1',
    keyRule: 'asset key',
    partitions: 3,
    compacted: false,
    description: 'The planner announces freshness policy violations and their resolution.',
  },
  deadLetter: {
    name: 'freshet.dead-letter.v1',
    keyRule: 'original message key',
    partitions: 3,
    compacted: false,
    description: 'Messages a service rejected: the raw message, where it came from and why.',
  },
  plannerControl: {
    name: 'freshet.planner-control.v1',
    keyRule: 'none (one partition: whoever holds it leads)',
    partitions: 1,
    compacted: false,
    description: 'Single-partition control topic; planner leadership by consumer-group assignment.',
  },
} as const satisfies Record<string, TopicDefinition>;

export type TopicId = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicId]['name'];

/** Topic ids in a fixed order (the declaration order above), for stable listings. */
export const TOPIC_IDS: readonly TopicId[] = [
  'definitions',
  'sourceChanges',
  'observations',
  'materializationRequests',
  'runEvents',
  'staleness',
  'freshnessViolations',
  'deadLetter',
  'plannerControl',
];

export const DEAD_LETTER_TOPIC: TopicName = TOPICS.deadLetter.name;

export interface TopicConfigOptions {
  /** Overrides the partition count of every topic (e.g. 1 for a small dev setup). */
  readonly partitionsOverride?: number;
  readonly replicationFactor?: number;
}

/** The configs to create every Freshet topic with. Definitions are compacted. */
export function topicConfigs(options: TopicConfigOptions = {}): TopicConfig[] {
  return TOPIC_IDS.map((id) => {
    const topic: TopicDefinition = TOPICS[id];
    const configEntries: Record<string, string> = topic.compacted
      ? { 'cleanup.policy': 'compact' }
      : {};
    return {
      name: topic.name,
      partitions: options.partitionsOverride ?? topic.partitions,
      ...(options.replicationFactor !== undefined ? { replicationFactor: options.replicationFactor } : {}),
      configEntries,
    };
  });
}

export function isFreshetTopic(name: string): name is TopicName {
  return TOPIC_IDS.some((id) => TOPICS[id].name === name);
}
