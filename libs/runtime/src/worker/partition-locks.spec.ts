import { InMemoryPartitionLocks } from './partition-locks';

describe('InMemoryPartitionLocks', () => {
  const a = { asset: 'a', partition: null };
  const b = { asset: 'b', partition: '2024-01-01' };

  it('grants all of a run’s asset partitions or none', async () => {
    let now = 0;
    const locks = new InMemoryPartitionLocks(() => now);
    expect(await locks.tryAcquireAll([b], 'run-1', 1000)).toBe(true);
    expect(await locks.tryAcquireAll([a, b], 'run-2', 1000)).toBe(false);
    // run-2 took nothing: a is still free for a third run.
    expect(await locks.tryAcquireAll([a], 'run-3', 1000)).toBe(true);
    now = 500;
    expect(await locks.renewAll([b], 'run-1', 1000)).toBe(true);
    now = 1400;
    expect(await locks.tryAcquireAll([b], 'run-2', 1000)).toBe(false);
  });

  it('lets a holder that stopped renewing lose its locks after the time to live', async () => {
    let now = 0;
    const locks = new InMemoryPartitionLocks(() => now);
    await locks.tryAcquireAll([a], 'dead-worker', 1000);
    now = 1000;
    expect(await locks.tryAcquireAll([a], 'other-worker', 1000)).toBe(true);
    expect(await locks.renewAll([a], 'dead-worker', 1000)).toBe(false);
    await locks.releaseAll([a], 'dead-worker');
    expect(await locks.tryAcquireAll([a], 'third', 1000)).toBe(false);
  });
});
