// Topic names with the deployment's prefix (FRESHET_TOPIC_PREFIX): empty in production, random
// per test so tests sharing one broker never see each other's messages. Services name topics by
// their contract id; only this class and the prefixing bus know the prefix exists.
import { TOPICS, topicConfigs, type TopicConfig, type TopicConfigOptions, type TopicId } from '@freshet/contracts';

export class TopicNames {
  constructor(readonly prefix: string) {}

  of(id: TopicId): string {
    return `${this.prefix}${TOPICS[id].name}`;
  }

  /** Every Freshet topic, prefixed, as the bus creates them. */
  configs(options: TopicConfigOptions = {}): TopicConfig[] {
    return topicConfigs(options).map((topic) => ({ ...topic, name: `${this.prefix}${topic.name}` }));
  }
}
