import { openPglite, IN_MEMORY } from '@freshet/sdk';

describe('openPglite', () => {
  it('runs queries with bound parameters, keeping a hostile value verbatim', async () => {
    const db = await openPglite(IN_MEMORY);
    try {
      await db.exec('create table x (a text)');
      const hostile = "'; DROP TABLE x; --";
      await db.query('insert into x values ($1)', [hostile]);
      const { rows } = await db.query('select a from x where a = $1', [hostile]);
      expect(rows).toEqual([{ a: hostile }]);
    } finally {
      await db.close();
    }
  });
});
