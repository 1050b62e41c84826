import { createInMemoryExecutionEnv } from '@freshet/testing';
import { defineCodeLocation, executeRun, shellAsset } from '@freshet/sdk';

const node = process.execPath;

describe('shellAsset', () => {
  const location = defineCodeLocation({
    name: 'shell',
    assets: [
      shellAsset({
        key: 'echo_args',
        partitions: { kind: 'static', keys: ['eu', 'us'] },
        command: node,
        args: (ctx) => ['-e', 'console.log(JSON.stringify(process.argv.slice(1))); console.log("FRESHET_DATA_VERSION=v-" + process.env.FRESHET_PARTITION + "-" + process.env.GREETING)', '$(touch pwned); echo "x"', ctx.partition ?? ''],
        env: { GREETING: 'hi' },
      }),
      shellAsset({ key: 'exits_badly', command: node, args: ['-e', 'console.error("boom"); process.exit(3)'] }),
      shellAsset({ key: 'too_slow', command: node, args: ['-e', 'setTimeout(() => {}, 60000)'], timeoutSeconds: 0.3 }),
    ],
  });

  it('runs the program without a shell, passing arguments verbatim, and reads the data version it prints', async () => {
    const env = createInMemoryExecutionEnv({ variables: { PATH: process.env.PATH } });
    const result = await executeRun(location, { runId: 'r1', attempt: 1, assetPartitions: [{ asset: 'echo_args', partition: 'eu' }] }, env);
    expect(result.status).toBe('completed');
    expect(result.materialized[0]).toMatchObject({ dataVersion: 'v-eu-hi', dataVersionIsUserProvided: true, metadata: { exitCode: 0 } });
    const printed = env.logs.find((l) => l.fields?.stream === 'stdout');
    expect(JSON.parse(printed?.message ?? 'null')).toEqual(['$(touch pwned); echo "x"', 'eu']);
  });

  it('fails on a non-zero exit, keeping stderr in the logs', async () => {
    const env = createInMemoryExecutionEnv();
    const result = await executeRun(location, { runId: 'r2', attempt: 1, assetPartitions: [{ asset: 'exits_badly', partition: null }] }, env);
    expect(result.failed[0]?.error.message).toContain('exited with code 3');
    expect(result.failed[0]?.logs.some((l) => l.message === 'boom' && l.level === 'warn')).toBe(true);
  });

  it('kills the program when its timeout passes', async () => {
    const env = createInMemoryExecutionEnv();
    const result = await executeRun(location, { runId: 'r3', attempt: 1, assetPartitions: [{ asset: 'too_slow', partition: null }] }, env);
    expect(result.failed.map((f) => f.kind)).toEqual(['timeout']);
  });
});
