// Request bodies as JSON Schemas (TypeBox): validated before any use case runs, and the same
// objects document the endpoints in the OpenAPI description.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { InvalidRequestError } from '../errors';

export const MaterializeBody = Type.Object(
  {
    selection: Type.String({ minLength: 1, description: 'Assets: `key`, `key+` (and downstream), `+key` (and upstream), `*`; comma or space separated', examples: ['orders_enriched+'] }),
    partition: Type.Optional(Type.String({ minLength: 1, description: 'Partition key, required when a selected asset is partitioned' })),
  },
  { additionalProperties: false, title: 'MaterializeRequest' },
);
export type MaterializeBody = Static<typeof MaterializeBody>;

export const BackfillBody = Type.Object(
  {
    asset: Type.String({ minLength: 1, description: 'A partitioned asset' }),
    from: Type.String({ minLength: 1, description: 'First partition key (inclusive)', examples: ['2024-01-01'] }),
    to: Type.String({ minLength: 1, description: 'Last partition key (inclusive)', examples: ['2024-01-07'] }),
    downstream: Type.Optional(Type.Boolean({ description: 'Also rebuild everything downstream over the same time', default: false })),
  },
  { additionalProperties: false, title: 'BackfillRequest' },
);
export type BackfillBody = Static<typeof BackfillBody>;

/** The body, typed; or a 400 naming the first field at fault (a missing one by its own name). */
export function validate<T extends TSchema>(schema: T, body: unknown): Static<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new InvalidRequestError('body', 'must be a JSON object');
  const first = Value.Errors(schema, body).First();
  if (!first) return body;
  const path = first.path.replace(/^\//, '').replace(/\//g, '.');
  const missing = /Expected required property/.test(first.message);
  if (path === '' || (!missing && first.message.includes('Unexpected property'))) {
    const extra = Object.keys(body).find((k) => !Object.keys((schema as unknown as { properties: object }).properties).includes(k));
    throw new InvalidRequestError(extra ?? 'body', extra ? 'is not a field of this request' : first.message);
  }
  throw new InvalidRequestError(path, missing ? 'is required' : first.message.toLowerCase());
}

/** An integer query parameter within bounds, or a 400 naming it. */
export function intParam(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidRequestError(name, `must be an integer from ${min} to ${max}`);
  return n;
}

/** An ISO-8601 instant with a zone (or `now` when absent), or a 400 naming it. */
export function instantParam(name: string, raw: string | undefined, now: number): number {
  if (raw === undefined || raw === '') return now;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) throw new InvalidRequestError(name, 'must be an ISO-8601 time with a zone, e.g. 2024-01-01T09:00:00Z');
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw new InvalidRequestError(name, 'is not a valid time');
  return t;
}
