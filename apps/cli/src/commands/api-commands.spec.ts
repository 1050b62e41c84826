import { progressBar, waitingLines } from './backfill';
import { fitNote } from './status';
import { atParameter } from './why';
import { formatMinutes, renderColumns } from './api-client';

describe('the API commands\' formatting', () => {
  it('draws the backfill progress bar', () => {
    expect(progressBar({ done: 0, failed: 0, total: 4, running: 1, status: 'running' })).toBe('[..............................]   0% 0/4 done, 1 running (running)');
    expect(progressBar({ done: 2, failed: 1, total: 4, running: 0, status: 'running' })).toBe('[###############...............]  50% 2/4 done, 0 running, 1 failed (running)');
    expect(progressBar({ done: 4, failed: 0, total: 4, running: 0, status: 'completed' })).toBe('[##############################] 100% 4/4 done, 0 running (completed)');
  });

  it('says why a backfill is held back, one line per asset the planner holds', () => {
    const row = { total: 2, done: 0, failed: 0, running: 0 };
    expect(
      waitingLines({
        assets: [
          { asset: 'events', ...row, waiting: null },
          { asset: 'rollup', ...row, waiting: { reasons: ['parentMissing', 'backfillInProgress'], sentence: 'waiting on events: what rollup reads from it was never materialized' } },
        ],
      }),
    ).toEqual(['  waiting: rollup (parentMissing, backfillInProgress): waiting on events: what rollup reads from it was never materialized']);
    expect(waitingLines({ assets: [{ asset: 'events', ...row, waiting: null }] })).toEqual([]);
  });

  it('warns in the status of a policy its pipeline leaves little or no room for', () => {
    const policy = { maximumLagMinutes: 60 };
    expect(fitNote({ freshnessPolicy: policy, policyFit: { pipelineMinutes: 29, partial: false, fit: 'tight' } })).toBe('policy tight: its pipeline takes 29m of its 60m lag, any wait makes it late');
    expect(fitNote({ freshnessPolicy: policy, policyFit: { pipelineMinutes: 58, partial: true, fit: 'tooTight' } })).toBe(
      'policy too tight: its pipeline takes at least 58m of its 60m lag, no refresh can land in time',
    );
    expect(fitNote({ freshnessPolicy: policy, policyFit: { pipelineMinutes: 10, partial: false, fit: 'ok' } })).toBe('');
    expect(fitNote({ freshnessPolicy: null, policyFit: null })).toBe('');
  });

  it('reads --at HH:MM as today at that local time and passes anything else on', () => {
    const now = new Date(2024, 5, 3, 15, 4, 5);
    expect(atParameter('09:00', now)).toBe(new Date(2024, 5, 3, 9, 0, 0).toISOString());
    expect(atParameter('9:30:15', now)).toBe(new Date(2024, 5, 3, 9, 30, 15).toISOString());
    expect(atParameter('2024-01-01T09:00:00Z', now)).toBe('2024-01-01T09:00:00Z');
  });

  it('lays out columns and durations', () => {
    expect(renderColumns([['ASSET', 'STATUS', 'WHY'], ['orders', 'fresh', ''], ['c', 'stale', 'p has new data']])).toBe('ASSET   STATUS  WHY\norders  fresh\nc       stale   p has new data');
    expect([null, 0.5, 12.4, 150, 3000].map(formatMinutes)).toEqual(['-', '30s', '12m', '2h 30m', '2d 2h']);
  });
});
