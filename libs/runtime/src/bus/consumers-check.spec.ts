import type { SubscriptionHealth } from '@freshet/messaging';
import { consumersCheck } from './consumers-check';

describe('consumersCheck', () => {
  const health = (list: SubscriptionHealth[]) => ({ subscriptionHealth: () => list });

  it('passes when every subscription consumes, or the bus does not say', async () => {
    await expect(consumersCheck(health([{ group: 'planner', topics: ['t'], consuming: true, since: 0 }])).check()).resolves.toBeUndefined();
    await expect(consumersCheck({}).check()).resolves.toBeUndefined();
  });

  it('fails naming each idle group, for how long and why', async () => {
    const check = consumersCheck(
      health([
        { group: 'planner', topics: ['t'], consuming: false, since: 1000, reason: 'crashed: Connection error' },
        { group: 'other', topics: ['u'], consuming: true, since: 0 },
      ]),
      () => 31_000,
    );
    await expect(check.check()).rejects.toThrow('group planner not consuming for 30 s (crashed: Connection error)');
    expect(check.name).toBe('consumers');
  });
});
