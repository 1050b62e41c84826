// Asset selections, as `freshet materialize` and the API take them: terms separated by commas or
// spaces; `key` one asset, `key+` it and everything downstream, `+key` it and everything upstream,
// `*` every materializable asset. Sources are observed, never materialized: named directly they
// are an error, reached through `+`/`*` they are left out.
import type { AssetGraph, AssetNode } from '@freshet/domain';
import { InvalidRequestError } from '../errors';

export function resolveSelection(graph: AssetGraph, selection: string, field = 'selection'): AssetNode[] {
  const terms = selection.split(/[\s,]+/).filter((t) => t !== '');
  if (terms.length === 0) throw new InvalidRequestError(field, 'name at least one asset (key, key+, +key or *)');
  const chosen = new Set<number>();
  for (const term of terms) {
    if (term === '*') {
      for (const n of graph.nodes) if (n.kind === 'materializable') chosen.add(n.index);
      continue;
    }
    const up = term.startsWith('+');
    const down = term.endsWith('+') && term.length > 1;
    const key = term.slice(up ? 1 : 0, down ? -1 : undefined);
    const node = graph.get(key);
    if (!node) throw new InvalidRequestError(field, `unknown asset "${key}"`);
    if (!up && !down && node.kind !== 'materializable') throw new InvalidRequestError(field, `"${key}" is a source: it is observed, not materialized`);
    chosen.add(node.index);
    if (down) for (const i of graph.descendantsOf([node.index])) chosen.add(i);
    if (up) for (const i of ancestorsOf(graph, node)) chosen.add(i);
  }
  return [...chosen]
    .map((i) => graph.node(i))
    .filter((n) => n.kind === 'materializable')
    .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function ancestorsOf(graph: AssetGraph, node: AssetNode): number[] {
  const seen = new Set<number>();
  const stack = node.parents.map((e) => e.parent);
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (seen.has(i)) continue;
    seen.add(i);
    for (const e of graph.node(i).parents) stack.push(e.parent);
  }
  return [...seen].sort((a, b) => a - b);
}
