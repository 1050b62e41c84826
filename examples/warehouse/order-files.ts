// Reading the order files that land in the incoming folder: CSV with a header row, or JSON (an
// array of orders, or one object per line). Values stay strings: cleaning is stg_orders' job.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { listFiles } from '@freshet/sdk';
import { ORDER_FIELDS, type RawOrder } from './schema';

function toRawOrder(value: Record<string, unknown>): RawOrder {
  const order = {} as RawOrder;
  for (const field of ORDER_FIELDS) {
    const v = value[field];
    order[field] = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  }
  return order;
}

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

export function parseCsv(text: string): RawOrder[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  return lines.slice(1).map((line) => {
    const cells = splitCsvLine(line);
    return toRawOrder(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  });
}

export function parseJson(text: string): RawOrder[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const values: unknown[] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  return values.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null).map(toRawOrder);
}

export interface LoadedFile {
  readonly file: string;
  readonly orders: readonly RawOrder[];
}

/** Every order file under `folder`, in path order; other files are ignored. */
export async function readOrderFiles(folder: string): Promise<LoadedFile[]> {
  const out: LoadedFile[] = [];
  for (const file of await listFiles(folder).catch(() => [])) {
    const text = await readFile(path.join(folder, file), 'utf8');
    if (file.endsWith('.csv')) out.push({ file, orders: parseCsv(text) });
    else if (file.endsWith('.json') || file.endsWith('.jsonl')) out.push({ file, orders: parseJson(text) });
  }
  return out;
}
