// Observation helpers for files: a content hash of a file or a whole folder, and the latest
// modification time under a path. Names starting with `.` are skipped, so writers can drop a
// `.tmp` file and rename it when complete without a half-written file being observed.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

async function pathStat(target: string) {
  try {
    return await stat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Every regular file under `folder`, as paths relative to it with `/`, sorted. */
export async function listFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(folder, relative), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  await walk('');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function hashFileInto(hash: ReturnType<typeof createHash>, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file);
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve());
  });
}

/**
 * sha256 of a file's bytes, or of a folder's files (relative paths and bytes, in path order, so
 * renaming a file changes it too). Null when the path does not exist; an empty folder has a hash.
 */
export async function fileContentHash(target: string): Promise<string | null> {
  const info = await pathStat(target);
  if (!info) return null;
  const hash = createHash('sha256');
  if (info.isDirectory()) {
    hash.update('folder\0');
    for (const relative of await listFiles(target)) {
      hash.update(`${relative}\0`);
      const fileHash = createHash('sha256');
      await hashFileInto(fileHash, path.join(target, relative));
      hash.update(`${fileHash.digest('hex')}\0`);
    }
  } else {
    hash.update('file\0');
    await hashFileInto(hash, target);
  }
  return hash.digest('hex');
}

/** Latest modification time (epoch ms) of a file, or of any file or folder under a folder. */
export async function modifiedTime(target: string): Promise<number | null> {
  const info = await pathStat(target);
  if (!info) return null;
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const child = path.join(folder, entry.name);
      const childInfo = await pathStat(child);
      if (!childInfo) continue;
      latest = Math.max(latest, childInfo.mtimeMs);
      if (childInfo.isDirectory()) await walk(child);
    }
  };
  await walk(target);
  return latest;
}
