// `bkdms cluster up` when its nodes die under it: each death is reported on stderr (how it ended,
// its log file, the log's last lines) while the others run on, and once none is left the
// supervisor says so and exits 1 (a node was killed). Every wait is on an output line or an exit.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterLayout } from '../../devnet/layout.js';
import { Supervised } from '../support/bkdms-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-deaths-it-'));
let up: Supervised | undefined;

afterAll(() => {
  up?.kill();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('bkdms cluster up when its nodes die', () => {
  it('reports each dead node, keeps running while one is left, then exits saying so', async () => {
    const clusterDir = join(dir, 'cluster');
    up = new Supervised(['cluster', 'up', '-n', '2', '--dir', clusterDir]);
    await up.line(/^cluster up; Ctrl-C stops every node$/);
    const layout = JSON.parse(readFileSync(join(clusterDir, 'cluster.json'), 'utf8')) as ClusterLayout;
    const pids = readFileSync(join(clusterDir, 'cluster.pids'), 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);

    process.kill(pids[1]!, 'SIGKILL');
    const first = await up.line(/^stderr: node 1 was killed by SIGKILL; log /);
    expect(first).toBe(`stderr: node 1 was killed by SIGKILL; log ${layout.nodes[1]!.logPath}`);
    // The tail of that log follows: the node's own last JSON lines.
    const tail = await up.line(/^stderr: {3}\| \{/);
    expect(up.lines.indexOf(tail)).toBe(up.lines.indexOf(first) + 1);

    // One node left: the supervisor is still there to report the next death.
    process.kill(pids[0]!, 'SIGTERM');
    const second = await up.line(/^stderr: node 0 exited with code 0; log /);
    expect(second).toBe(`stderr: node 0 exited with code 0; log ${layout.nodes[0]!.logPath}`);
    const last = await up.line(/^stderr: all 2 nodes have exited$/);
    expect(up.lines.indexOf(last)).toBeGreaterThan(up.lines.indexOf(second));
    expect(up.lines.filter((l) => /^stderr: all \d+ nodes have exited$/.test(l))).toHaveLength(1);
    // Not every node exited cleanly: the supervisor's status says so.
    expect(await up.exited).toBe(1);
    expect(up.lines).not.toContain('stopping…');
  }, 90_000);
});
