// What a code location publishes on the definitions topic when it starts: its name and every
// asset spec (code versions included). The topic is compacted and keyed by code location, so the
// latest message per location is the location's current definitions.
import { toAssetSpecs } from '../define/to-specs';
import type { AssetSpecJson } from '../define/spec-types';
import type { CodeLocation } from '../define/types';
import { sha256Hex, stableJson } from '../util/hash';

export const DEFINITIONS_TOPIC = 'freshet.definitions.v1';

export interface DefinitionsMessage {
  readonly codeLocation: string;
  readonly assets: readonly AssetSpecJson[];
  /** Hash of the specs: equal hashes mean nothing changed since the last publication. */
  readonly definitionsHash: string;
  /** Epoch ms. */
  readonly publishedAt: number;
}

export function definitionsMessage(location: CodeLocation, publishedAt: number): DefinitionsMessage {
  const assets = toAssetSpecs(location);
  return { codeLocation: location.name, assets, definitionsHash: sha256Hex(stableJson(assets)), publishedAt };
}

/** The one thing publishing needs from the bus, so the SDK does not depend on the messaging library. */
export type PublishFn = (topic: string, key: string, payload: DefinitionsMessage) => Promise<void>;

export async function publishDefinitions(location: CodeLocation, publish: PublishFn, now: () => number = Date.now): Promise<DefinitionsMessage> {
  const message = definitionsMessage(location, now());
  await publish(DEFINITIONS_TOPIC, location.name, message);
  return message;
}
