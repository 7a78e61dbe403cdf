// `bkdms cluster down` in real processes, in `npm run test:long` (cli.test.ts runs the rest of the
// compiled CLI against one 4-node `cluster up` in `npm test`): a 1-node `cluster up` in a folder is
// stopped by `cluster down --dir` on that folder; the supervisor, its only node gone, exits 0 and
// the node's port is free; a second `cluster down` finds nothing to stop. With `--console-admin` its
// console holds the administrator key; with a key file as well, it refuses before writing anything.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bkdms, portFree, Supervised } from '../support/bkdms-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-cli-long-'));

afterAll(() => {
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('bkdms cluster down', () => {
  it('stops the nodes a cluster up started in that folder', async () => {
    const one = join(dir, 'one');
    // With --console-admin, its console holds the cluster's administrator key.
    const single = new Supervised(['cluster', 'up', '-n', '1', '--dir', one, '--console-admin']);
    try {
      const line = await single.line(/^\s+node 0: rpc 127\.0\.0\.1:\d+/);
      const rpcPort = Number(line.match(/rpc 127\.0\.0\.1:(\d+)/)![1]);
      await single.line(/^\s+console: http:\/\/127\.0\.0\.1:\d+\S* \(administrator\)$/);
      await single.line(/^cluster up;/);
      const [pid] = readFileSync(join(one, 'cluster.pids'), 'utf8').trim().split('\n').map(Number);
      const down = await bkdms(['cluster', 'down', '--dir', one]);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stdout).toContain('signalled 1 node processes');
      // Its only node gone, the supervisor has nothing left to run and ends.
      expect(await single.exited).toBe(0);
      expect(() => process.kill(pid!, 0)).toThrow();
      expect(await portFree(rpcPort)).toBe(true);
      const again = await bkdms(['cluster', 'down', '--dir', one]);
      expect(again.stdout).toContain('signalled 0 node processes');
    } finally {
      single.kill();
    }
  }, 60_000);

  it('refuses --console-admin with --console-admin-key before writing anything', async () => {
    const both = join(dir, 'both');
    const r = await bkdms([
      'cluster',
      'up',
      '-n',
      '1',
      '--dir',
      both,
      '--console-admin',
      '--console-admin-key',
      'k',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--console-admin and --console-admin-key: give one');
    expect(existsSync(both)).toBe(false);
  });
});
