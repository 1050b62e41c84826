import { readFileSync } from 'node:fs';
import { DBT_SHOP_MANIFEST } from '@freshet/testing';
import { dbtCodeVersion, normalizeSql, readManifest, userMacrosOf, type DbtManifest, type DbtNode } from '@freshet/dbt';

const manifest = readManifest(JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8')));
const node = (id: string): DbtNode => manifest.nodes.get(id) as DbtNode;
const withNode = (changed: DbtNode): DbtManifest => ({ ...manifest, nodes: new Map([...manifest.nodes, [changed.uniqueId, changed]]) });

describe('normalizeSql', () => {
  it('ignores SQL and Jinja comments, indentation, blank lines and spacing around punctuation', () => {
    const a = "select\n    id as customer_id,   -- the key\n    first_name\nfrom {{ ref('raw_customers') }}\n";
    const b = "/* customers */ select id as customer_id , first_name {# jinja note #}\n\n\tfrom {{ref( 'raw_customers' )}}";
    expect(normalizeSql(a)).toBe(normalizeSql(b));
    expect(normalizeSql(a)).toBe("select id as customer_id,first_name from{{ref('raw_customers')}}");
  });

  it('keeps string literals and quoted identifiers exactly', () => {
    expect(normalizeSql("select 'a  -- b' as x")).toBe("select 'a  -- b' as x");
    expect(normalizeSql("select 'it''s' as \"odd  name\"")).toBe("select 'it''s' as \"odd  name\"");
    expect(normalizeSql("select 'a  b'")).not.toBe(normalizeSql("select 'a b'"));
  });

  it('still tells different statements apart', () => {
    expect(normalizeSql('select a from t')).not.toBe(normalizeSql('select b from t'));
    expect(normalizeSql('select a - 1 from t')).not.toBe(normalizeSql('select a from t'));
  });
});

describe('dbtCodeVersion', () => {
  const payments = node('model.shop.stg_payments');
  const before = dbtCodeVersion(payments, manifest);

  it('does not change when only comments or whitespace change', () => {
    const cosmetic = { ...payments, rawCode: `-- edited comment\n${payments.rawCode.replace(/\n/g, '\n\n  ')}` };
    expect(dbtCodeVersion(cosmetic, withNode(cosmetic))).toBe(before);
  });

  it('changes with the SQL, the materialization, or a project macro the model calls', () => {
    const edited = { ...payments, rawCode: payments.rawCode.replace('payment_method', 'upper(payment_method) as payment_method') };
    expect(dbtCodeVersion(edited, withNode(edited))).not.toBe(before);
    const table = { ...payments, config: { ...payments.config, materialized: 'table' } };
    expect(dbtCodeVersion(table, withNode(table))).not.toBe(before);
    expect(userMacrosOf(payments, manifest)).toEqual(['macro.shop.cents_to_dollars']);
    const macro = manifest.macros.get('macro.shop.cents_to_dollars');
    if (!macro) throw new Error('fixture lost its macro');
    const macros = new Map(manifest.macros).set(macro.uniqueId, { ...macro, macroSql: macro.macroSql.replace('100.0', '1000.0') });
    expect(dbtCodeVersion(payments, { ...manifest, macros })).not.toBe(before);
  });

  it('ignores dbt\'s own macros, so upgrading dbt rebuilds nothing', () => {
    const test = node('test.shop.not_null_orders_order_id.cf6c17daed');
    expect(test.dependsOnMacros).toEqual(['macro.dbt.test_not_null']);
    expect(userMacrosOf(test, manifest)).toEqual([]);
  });

  it('versions a seed by its file checksum', () => {
    const seed = node('seed.shop.raw_orders');
    expect(dbtCodeVersion({ ...seed, checksum: 'other' }, manifest)).not.toBe(dbtCodeVersion(seed, manifest));
  });
});
