// `bkdms cluster up` when its nodes die under it: each death is reported on stderr (how it ended,
// its log file, the log's last lines) while the others run on, and once none is left the
// supervisor says so and exits 1 (a node was killed). With restarts on (the default), a killed node
// is restarted and raises the node-restarted notice. Every wait is on an output line, an exit or a
// poll of the node's GET /alarms.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterLayout } from '../../devnet/layout.js';
import type { Alarm } from '../../node/mgmt/alarms/types.js';
import { Supervised } from '../support/bkdms-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-deaths-it-'));
let up: Supervised | undefined;
let up2: Supervised | undefined;

afterAll(() => {
  up?.kill();
  up2?.kill();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('bkdms cluster up when its nodes die', () => {
  it('reports each dead node, keeps running while one is left, then exits saying so', async () => {
    const clusterDir = join(dir, 'cluster');
    up = new Supervised(['cluster', 'up', '-n', '2', '--dir', clusterDir, '--max-restarts', '0']);
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

  it('restarts a killed node, which raises the node-restarted notice', async () => {
    const clusterDir = join(dir, 'restarts');
    up2 = new Supervised(['cluster', 'up', '-n', '1', '--dir', clusterDir]);
    await up2.line(/^cluster up; Ctrl-C stops every node$/);
    const layout = JSON.parse(readFileSync(join(clusterDir, 'cluster.json'), 'utf8')) as ClusterLayout;
    const pid = Number(readFileSync(join(clusterDir, 'cluster.pids'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await up2.line(/^stderr: node 0: restarting in 1000 ms \(restart 1 of at most 5\)$/);
    await up2.line(/^stderr: node 0: restarted \(restart 1\)$/);
    const url = `http://127.0.0.1:${layout.nodes[0]!.ports.mgmt}/alarms`;
    const end = Date.now() + 60_000;
    let alarms: Alarm[] = [];
    while (Date.now() < end && !alarms.some((a) => a.id === 'node-restarted:process')) {
      alarms = ((await (await fetch(url)).json()) as { alarms: Alarm[] }).alarms;
      if (!alarms.some((a) => a.id === 'node-restarted:process'))
        await new Promise((r) => setTimeout(r, 200));
    }
    const notice = alarms.find((a) => a.id === 'node-restarted:process');
    expect(notice?.cause).toBe('the supervisor restarted this node (restart 1): was killed by SIGKILL');
    expect(notice?.severity).toBe('warning');
  }, 90_000);
});
