import { mkdir, rename, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { makeTempDir, removeDir } from '@freshet/testing';
import { fileContentHash, listFiles, modifiedTime, observeFileContent, observeModifiedTime, type ObserveContext } from '@freshet/sdk';

describe('file observation helpers', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('hash a file by its bytes', async () => {
    const file = path.join(dir, 'a.csv');
    await writeFile(file, 'id\n1\n');
    const first = await fileContentHash(file);
    await writeFile(file, 'id\n1\n');
    expect(await fileContentHash(file)).toBe(first);
    await writeFile(file, 'id\n2\n');
    expect(await fileContentHash(file)).not.toBe(first);
    expect(await fileContentHash(path.join(dir, 'missing.csv'))).toBeNull();
  });

  it('hash a folder by its files\' paths and bytes, recursively, ignoring dot-files', async () => {
    await mkdir(path.join(dir, 'nested'));
    await writeFile(path.join(dir, 'a.csv'), 'a');
    await writeFile(path.join(dir, 'nested', 'b.json'), '[]');
    const first = await fileContentHash(dir);
    expect(await listFiles(dir)).toEqual(['a.csv', 'nested/b.json']);

    // A half-written dot-file does not count; renaming it into place does.
    await writeFile(path.join(dir, '.c.csv.tmp'), 'partial');
    expect(await fileContentHash(dir)).toBe(first);
    await rename(path.join(dir, '.c.csv.tmp'), path.join(dir, 'c.csv'));
    const withC = await fileContentHash(dir);
    expect(withC).not.toBe(first);

    // Renaming a file changes the hash even though no byte changed.
    await rename(path.join(dir, 'c.csv'), path.join(dir, 'd.csv'));
    expect(await fileContentHash(dir)).not.toBe(withC);
    // A file and a folder holding the same bytes do not collide.
    expect(await fileContentHash(path.join(dir, 'a.csv'))).not.toBe(await fileContentHash(path.join(dir, 'nested')));
  });

  it('report the latest modification time under a folder', async () => {
    await mkdir(path.join(dir, 'deep', 'er'), { recursive: true });
    const old = new Date('2024-01-01T00:00:00Z');
    const newer = new Date('2024-06-01T12:00:00Z');
    await writeFile(path.join(dir, 'top.txt'), 'x');
    await writeFile(path.join(dir, 'deep', 'er', 'leaf.txt'), 'y');
    for (const p of ['top.txt', 'deep/er/leaf.txt', 'deep/er', 'deep', '.']) await utimes(path.join(dir, p), old, old);
    await utimes(path.join(dir, 'deep', 'er', 'leaf.txt'), newer, newer);
    expect(await modifiedTime(dir)).toBe(newer.getTime());
    expect(await modifiedTime(path.join(dir, 'top.txt'))).toBe(old.getTime());
    expect(await modifiedTime(path.join(dir, 'nothing'))).toBeNull();
  });

  it('make ready observe functions that report nothing until the path exists', async () => {
    const ctx = {} as ObserveContext;
    const target = path.join(dir, 'incoming');
    expect(await observeFileContent(target)(ctx)).toBeNull();
    expect(await observeModifiedTime(target)(ctx)).toBeNull();
    await mkdir(target);
    await writeFile(path.join(target, 'x.csv'), 'x');
    expect(await observeFileContent(target)(ctx)).toMatchObject({ dataVersion: await fileContentHash(target) });
    expect(await observeModifiedTime(target)(ctx)).toMatchObject({ dataTime: await modifiedTime(target) });
  });
});
