// Building blocks shared by the event payload schemas. TypeBox gives the JSON Schema (written to
// libs/contracts/schemas/ for non-TypeScript clients) and the TypeScript type from one source.
import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';

// RFC 3339 date-time, always with a zone designator, as CloudEvents `time` requires.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

// TypeBox rejects values whose format it does not know, so the formats used here are
// registered once, when the contracts are loaded.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
}

export const Timestamp = Type.String({
  format: 'date-time',
  description: 'RFC 3339 date-time with a zone, e.g. 2024-01-01T00:00:00Z',
});

export const AssetKey = Type.String({
  minLength: 1,
  maxLength: 512,
  description: 'Asset key; a path may be written with `/` (warehouse/orders)',
});

export const PartitionKey = Type.String({
  minLength: 1,
  maxLength: 256,
  description: 'Partition key (YYYY-MM-DD, YYYY-MM-DD-HH:MM or a static key); absent for unpartitioned assets',
});

export const NonEmptyString = Type.String({ minLength: 1 });

/** An object schema that rejects unknown properties: a new field is a new event version. */
export function Strict<T extends Parameters<typeof Type.Object>[0]>(
  properties: T,
  options: { description?: string; title?: string } = {},
) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export const ErrorInfo = Strict(
  {
    message: Type.String({ description: 'What went wrong, for a person' }),
    code: Type.Optional(Type.String({ description: 'A stable machine-readable code, when known' })),
    retriable: Type.Optional(Type.Boolean()),
    stack: Type.Optional(Type.String({ maxLength: 16384 })),
  },
  { description: 'An error as reported by the service that saw it' },
);

/** A reason code with the sentence a person reads (planner reasons, staleness causes). */
export const Explained = <T extends TSchema>(code: T) =>
  Strict({
    code,
    asset: Type.Optional(AssetKey),
    partition: Type.Optional(PartitionKey),
    sentence: Type.String({ minLength: 1, description: 'The reason in a sentence a person can read' }),
  });
