// A node started under a wrapper command (devnet/processes.ts; the soak's --node-wrapper heaptrack):
// the node's own pid comes from its ready event, and stopAll signals that process, not the wrapper,
// which ends after it. A stand-in wrapper shell starts a stand-in "node" (sleep) in the background,
// prints the ready line with that child's pid and waits for it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startNodeProcess, stopAll } from '../../../devnet/processes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('node process under a wrapper', () => {
  it('takes the node pid from the ready event and stops the node, after which the wrapper ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bkdms-wrap-'));
    dirs.push(dir);
    // The node's own command line follows as the script's positional arguments; the stand-in ignores it.
    const script = 'sleep 60 & echo "{\\"event\\":\\"node.ready\\",\\"pid\\":$!}"; wait $!';
    const p = startNodeProcess(
      0,
      join(dir, 'config.json'),
      join(dir, 'node.log'),
      [],
      {},
      [],
      ['sh', '-c', script, 'wrapper'],
    );
    expect(p.nodePid).toBeUndefined();
    await p.ready;
    const nodePid = p.nodePid!;
    expect(nodePid).toBeGreaterThan(0);
    expect(nodePid).not.toBe(p.child.pid);
    expect(alive(nodePid)).toBe(true);
    await stopAll([p], 5_000);
    // Signalling the wrapper instead would leave the sleep running (sh dies on SIGTERM, its child
    // does not), and the grace-period SIGKILL would not reach it either.
    expect(alive(nodePid)).toBe(false);
    expect(await p.exited).toBe(143);
  });
});
