import * as path from 'node:path';
import { WarehouseConfigError, warehouseTarget } from '@freshet/sdk';

describe('warehouseTarget', () => {
  it('uses an embedded PGlite under .freshet/warehouse when FRESHET_WAREHOUSE_URL is unset', () => {
    expect(warehouseTarget({}, '/project')).toEqual({ kind: 'pglite', dataDir: path.resolve('/project', '.freshet', 'warehouse') });
    expect(warehouseTarget({ FRESHET_WAREHOUSE_URL: '  ' }, '/project').kind).toBe('pglite');
  });

  it('uses Postgres for a postgres URL, and PGlite for memory:// or pglite:<dir>', () => {
    expect(warehouseTarget({ FRESHET_WAREHOUSE_URL: 'postgres://u:p@db:5432/w' }, '/p')).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/w' });
    expect(warehouseTarget({ FRESHET_WAREHOUSE_URL: 'memory://' }, '/p')).toEqual({ kind: 'pglite', dataDir: 'memory://' });
    expect(warehouseTarget({ FRESHET_WAREHOUSE_URL: 'pglite:data/wh' }, '/p')).toEqual({ kind: 'pglite', dataDir: path.resolve('/p', 'data/wh') });
  });

  it('rejects anything else without echoing a password', () => {
    expect(() => warehouseTarget({ FRESHET_WAREHOUSE_URL: 'mysql://root:secret@db/w' }, '/p')).toThrow(WarehouseConfigError);
    expect(() => warehouseTarget({ FRESHET_WAREHOUSE_URL: 'mysql://root:secret@db/w' }, '/p')).toThrow(/root:\*\*\*@db/);
  });
});
