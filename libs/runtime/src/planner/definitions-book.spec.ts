import type { DefinitionsV1 } from '@freshet/contracts';
import { DefinitionsBook } from './definitions-book';

const location = (name: string, assets: DefinitionsV1['assets']): DefinitionsV1 => ({ codeLocation: name, assets, sources: [] });

describe('DefinitionsBook', () => {
  it('names the assets a new publication changes, and the code versions that moved', () => {
    const book = new DefinitionsBook();
    const v1 = location('wh', [{ key: 'a' }, { key: 'b', deps: ['a'], codeVersion: '1' }, { key: 'c', deps: ['b'], codeVersion: '1' }]);
    expect(book.diff(v1)).toEqual({ changed: ['a', 'b', 'c'], codeVersions: [] });
    book.apply(v1);
    expect(book.diff(v1)).toEqual({ changed: [], codeVersions: [] });
    const v2 = location('wh', [{ key: 'a' }, { key: 'b', deps: ['a'], codeVersion: '2' }, { key: 'd', deps: ['b'] }]);
    expect(book.diff(v2)).toEqual({ changed: ['b', 'c', 'd'], codeVersions: [{ asset: 'b', codeVersion: '2' }] });
  });

  it('merges code locations into one graph, each spec tagged with its location', () => {
    const book = new DefinitionsBook();
    book.apply(location('ingest', [{ key: 'raw' }]));
    const graph = book.graphWith(location('marts', [{ key: 'report', deps: ['raw'] }]));
    expect(graph.nodes.map((n) => [n.key, n.codeLocation])).toEqual([
      ['raw', 'ingest'],
      ['report', 'marts'],
    ]);
  });
});
