// What a code location publishes on the definitions topic when it starts: its name, every asset
// spec (code versions included) and its observable sources' intervals, as the contracts'
// `dev.freshet.definitions.v1` payload. The topic is compacted and keyed by code location, so the
// latest message per location is the location's current definitions.
import { TOPICS, type AssetSpec, type DefinitionsV1 } from '@freshet/contracts';
import { toAssetSpecs } from '../define/to-specs';
import type { CodeLocation } from '../define/types';
import { sha256Hex, stableJson } from '../util/hash';

export const DEFINITIONS_TOPIC = TOPICS.definitions.name;
export const DEFINITIONS_EVENT_TYPE = 'dev.freshet.definitions.v1';

export function definitionsPayload(location: CodeLocation): DefinitionsV1 {
  // The contract's types use mutable arrays; a JSON copy gives it its own (the shape is the same,
  // checked against the schema in the SDK's tests).
  const assets = JSON.parse(JSON.stringify(toAssetSpecs(location))) as AssetSpec[];
  const sources = location.sources
    .flatMap((s) => (s.definitionKind === 'observableSource' ? [{ asset: s.spec.key, observeIntervalSeconds: s.intervalSeconds }] : []))
    .sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
  return { codeLocation: location.name, assets, sources };
}

/** Hash of the payload: equal hashes mean nothing changed since the last publication. */
export function definitionsHash(payload: DefinitionsV1): string {
  return sha256Hex(stableJson(payload));
}

/** The one thing publishing needs from the bus, so the SDK does not depend on the messaging library. */
export type PublishFn = (topic: string, key: string, payload: DefinitionsV1) => Promise<void>;

/** Publishes the location's definitions, keyed by its name. */
export async function publishDefinitions(location: CodeLocation, publish: PublishFn): Promise<DefinitionsV1> {
  const payload = definitionsPayload(location);
  await publish(DEFINITIONS_TOPIC, location.name, payload);
  return payload;
}
