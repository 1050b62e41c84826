// Compiled validators and readable schema errors. TypeBox reports a failed union at the union's
// path ("Expected union value"), which tells a producer nothing; when the value names its
// variant by a literal discriminant (`kind`, `status`), the errors of that variant are reported
// instead, with their full JSON paths.
import { Kind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';

export interface SchemaIssue {
  /** JSON Pointer into the checked value, `''` for the root. */
  readonly path: string;
  readonly message: string;
}

const MAX_ISSUES = 5;
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

export function compiledCheck(schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

export function isValid(schema: TSchema, value: unknown): boolean {
  return compiledCheck(schema).Check(value);
}

/** Up to five issues (the first per path), each with the JSON path of the offending value. */
export function explain(schema: TSchema, value: unknown, basePath = ''): SchemaIssue[] {
  return dedupe(collect(compiledCheck(schema).Errors(value), basePath, 0)).slice(0, MAX_ISSUES);
}

interface ReportedError {
  readonly path: string;
  readonly message: string;
  readonly schema: TSchema;
  readonly value: unknown;
}

// Unions are opened at most a few levels deep: enough for a dep → mapping → variant chain.
const MAX_UNION_DEPTH = 4;

function collect(errors: Iterable<ReportedError>, basePath: string, depth: number): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    if (issues.length >= MAX_ISSUES) break;
    const path = basePath + error.path;
    const variant =
      depth < MAX_UNION_DEPTH && error.schema[Kind] === 'Union' ? matchingVariant(error.schema, error.value) : undefined;
    const discriminant = error.schema[Kind] === 'Union' && !variant ? unknownDiscriminant(error.schema, error.value) : undefined;
    if (variant) {
      issues.push(...collect(Value.Errors(variant, error.value), path, depth + 1));
    } else if (discriminant) {
      issues.push({ path: `${path}/${discriminant.name}`, message: `Expected one of ${discriminant.allowed}` });
    } else {
      issues.push({ path, message: describe(error.message, error.value) });
    }
  }
  return issues;
}

/**
 * The one variant of a union the value meant to be: the one whose literal discriminants
 * (`kind`, `status`) it carries or, failing that, the only variant of its JSON type.
 */
function matchingVariant(union: TSchema, value: unknown): TSchema | undefined {
  const variants = (union as { anyOf?: TSchema[] }).anyOf ?? [];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const byDiscriminant = variants.filter((variant) => {
      const literals = Object.entries(propertiesOf(variant)).filter(
        ([, property]) => (property)[Kind] === 'Literal',
      );
      return (
        literals.length > 0 && literals.every(([name, property]) => (property as { const?: unknown }).const === record[name])
      );
    });
    if (byDiscriminant.length === 1) return byDiscriminant[0];
  }
  const byType = variants.filter((variant) => jsonTypeOf(variant) === jsonTypeOfValue(value));
  return byType.length === 1 ? byType[0] : undefined;
}

/** When every variant is told apart by one literal property the value gets wrong: that property. */
function unknownDiscriminant(union: TSchema, value: unknown): { name: string; allowed: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const variants = (union as { anyOf?: TSchema[] }).anyOf ?? [];
  const literalNames = variants.map((variant) =>
    Object.entries(propertiesOf(variant))
      .filter(([, property]) => (property)[Kind] === 'Literal')
      .map(([name]) => name),
  );
  const first = literalNames[0];
  if (!first || first.length !== 1) return undefined;
  const name = first[0] as string;
  if (!literalNames.every((names) => names.length === 1 && names[0] === name)) return undefined;
  const allowed = variants.map((variant) => JSON.stringify((propertiesOf(variant)[name] as { const?: unknown } | undefined)?.const));
  return { name, allowed: allowed.join(', ') };
}

function propertiesOf(schema: TSchema): Record<string, TSchema> {
  return ((schema as { properties?: Record<string, TSchema> }).properties ?? {});
}

function jsonTypeOf(schema: TSchema): string | undefined {
  if (schema[Kind] === 'Union') return undefined;
  return typeof schema.type === 'string' ? (schema.type === 'integer' ? 'number' : schema.type) : undefined;
}

function jsonTypeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describe(message: string, value: unknown): string {
  return value === undefined ? 'Required property is missing' : message;
}

/** TypeBox reports a missing property twice (required, then its type): keep the first per path. */
function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    if (seen.has(issue.path)) return false;
    seen.add(issue.path);
    return true;
  });
}

export function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => `${issue.path || '/'}: ${issue.message}`).join('; ');
}
