import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedEventLog, type TypeOrmEventLog } from '@freshet/storage';
import { describeEventLogContract, truncateEventLog } from '@freshet/testing';

// PGlite boots in a few seconds on a loaded 2-core machine; the contract shares one instance.
jest.setTimeout(60_000);

describeEventLogContract('embedded (PGlite over pglite-socket)', {
  open: () => createEmbeddedEventLog(),
  reset: (log) => truncateEventLog(log as TypeOrmEventLog),
});

describe('embedded event log on disk', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'freshet-eventlog-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps records, runs and the cursor across a restart, and migrates only once', async () => {
    // Nested like `.freshet/eventlog`: the parent directory does not exist yet either.
    const logDir = join(dataDir, '.freshet', 'eventlog');
    const first = await createEmbeddedEventLog({ dataDir: logDir });
    try {
      await first.append(
        [
          { eventId: 'e1', type: 'request', runId: 'r1', occurredAt: 1, payload: {}, plannedAssetPartitions: [{ assetKey: 'a', partitionKey: null }] },
          { eventId: 'e2', type: 'materialization', assetKey: 'a', runId: 'r1', occurredAt: 2, payload: { dataVersion: 'x' } },
        ],
        { cursor: { name: 'planner', value: { lastStorageId: 2 } } },
      );
    } finally {
      await first.close();
    }

    const second = await createEmbeddedEventLog({ dataDir: logDir });
    try {
      expect(await second.runMigrations()).toEqual([]);
      expect((await second.readSince(0, 10)).map((r) => r.eventId)).toEqual(['e1', 'e2']);
      expect((await second.latestFor('a')).materialization?.payload).toEqual({ dataVersion: 'x' });
      expect((await second.getRun('r1'))?.materializedAssetPartitions).toEqual([{ assetKey: 'a', partitionKey: null }]);
      expect(await second.loadCursor('planner')).toMatchObject({ version: 1, value: { lastStorageId: 2 } });
      const again = await second.append([{ eventId: 'e3', type: 'tick', occurredAt: 3, payload: null }]);
      expect(again.inserted[0]?.storageId).toBe(3);
    } finally {
      await second.close();
    }
  });
});
