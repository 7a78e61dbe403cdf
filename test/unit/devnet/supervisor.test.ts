// The supervisor of `cluster up` (devnet/supervisor.ts): its report of node processes that end on
// their own and its restarts with backoff up to a cap, with stand-in processes whose exits the
// test decides and an injected sleep (no real waiting).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logTail, type NodeProcess } from '../../../devnet/processes.js';
import { type Supervised, type SupervisorOptions, superviseNodes } from '../../../devnet/supervisor.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'bkdms-watch-'));
  dirs.push(d);
  return d;
};

interface Stand {
  proc: NodeProcess;
  end(code: number | string): void;
}

function stand(index: number, logPath: string): Stand {
  let end: (code: number | string) => void = () => undefined;
  const exited = new Promise<number | string>((res) => {
    end = res;
  });
  const proc = { index, logPath, exited, logged: exited.then(() => undefined) } as unknown as NodeProcess;
  return { proc, end };
}

/** Nodes that are never restarted (maxRestarts 0): the supervisor only reports. */
function watchNodes(procs: NodeProcess[], write: (t: string) => void) {
  const cluster: Supervised = { procs, restart: async () => undefined };
  return superviseNodes(cluster, { maxRestarts: 0, backoffMs: 1, maxBackoffMs: 1, write });
}

describe('supervisor, reporting', () => {
  it('reports each node that ends, with how, its log and the log tail, then that none is left', async () => {
    const dir = tempDir();
    const logs = [join(dir, '0.log'), join(dir, '1.log')];
    writeFileSync(logs[0]!, 'a\nb\nc\nd\ne\nf\n{"msg":"fatal error, stopping"}\n');
    writeFileSync(logs[1]!, '');
    const nodes = logs.map((p, i) => stand(i, p));
    const out: string[] = [];
    let wrote: () => void = () => undefined;
    const report = new Promise<void>((res) => {
      wrote = res;
    });
    const watch = watchNodes(
      nodes.map((n) => n.proc),
      (t) => {
        out.push(t);
        wrote();
      },
    );
    nodes[0]!.end(1);
    await report;
    // One write for node 0 (its line and its log's last five lines); nothing says all are gone.
    expect(out.slice(0, 1)).toEqual([
      `node 0 exited with code 1; log ${logs[0]}\n  | c\n  | d\n  | e\n  | f\n  | {"msg":"fatal error, stopping"}\n`,
    ]);
    nodes[1]!.end('SIGKILL');
    expect(await watch.allExited).toEqual({ clean: false });
    expect(out.slice(1)).toEqual([
      'node 0: not restarted, 0 restarts already\n',
      `node 1 was killed by SIGKILL; log ${logs[1]}\n`,
      'node 1: not restarted, 0 restarts already\n',
      'all 2 nodes have exited\n',
    ]);
  });

  it('all nodes exiting with code 0 is a clean end', async () => {
    const dir = tempDir();
    const nodes = [0, 1].map((i) => stand(i, join(dir, `${i}.log`)));
    const watch = watchNodes(
      nodes.map((n) => n.proc),
      () => undefined,
    );
    for (const n of nodes) n.end(0);
    expect(await watch.allExited).toEqual({ clean: true });
  });

  it('says nothing once stopped (the supervisor is stopping the nodes itself)', async () => {
    const dir = tempDir();
    const node = stand(0, join(dir, '0.log'));
    const out: string[] = [];
    const watch = watchNodes([node.proc], (t) => out.push(t));
    watch.stop();
    node.end(0);
    expect(await watch.allExited).toEqual({ clean: true });
    expect(out).toEqual([]);
  });
});

describe('supervisor, restarting', () => {
  it('restarts a crashed node with doubling backoff, tells it so, and gives up at the cap', async () => {
    const dir = tempDir();
    const first = stand(0, join(dir, '0.log'));
    const procs = [first.proc];
    const stands = [first];
    const envs: NodeJS.ProcessEnv[] = [];
    const delays: number[] = [];
    const cluster: Supervised = {
      procs,
      restart: async (i, env) => {
        envs.push(env ?? {});
        const next = stand(i, join(dir, '0.log'));
        stands.push(next);
        procs[i] = next.proc;
      },
    };
    const out: string[] = [];
    const o: SupervisorOptions = {
      maxRestarts: 2,
      backoffMs: 100,
      maxBackoffMs: 150,
      write: (t) => out.push(t),
      sleep: async (ms) => {
        delays.push(ms);
      },
    };
    const sup = superviseNodes(cluster, o);
    first.end('SIGKILL');
    await until(() => stands.length === 2);
    stands[1]!.end(1);
    await until(() => stands.length === 3);
    stands[2]!.end('SIGSEGV');
    expect(await sup.allExited).toEqual({ clean: false });
    expect(delays).toEqual([100, 150]);
    expect(sup.restarts).toEqual([2]);
    expect(envs.map((e) => e.BKDMS_RESTART?.replace(/,\d+,/, ',T,'))).toEqual([
      '1,T,was killed by SIGKILL',
      '2,T,exited with code 1',
    ]);
    expect(out).toContain('node 0: restarting in 100 ms (restart 1 of at most 2)\n');
    expect(out).toContain('node 0: restarted (restart 2)\n');
    expect(out).toContain('node 0: not restarted, 2 restarts already\n');
  });

  it('does not restart a node that exited with code 0', async () => {
    const node = stand(0, join(tempDir(), '0.log'));
    let restarted = 0;
    const cluster: Supervised = {
      procs: [node.proc],
      restart: async () => {
        restarted++;
      },
    };
    const sup = superviseNodes(cluster, {
      maxRestarts: 5,
      backoffMs: 1,
      maxBackoffMs: 1,
      write: () => undefined,
    });
    node.end(0);
    expect(await sup.allExited).toEqual({ clean: true });
    expect(restarted).toBe(0);
  });
});

/** Yields to the event loop until `ok` holds (the supervisor's steps are promise chains). */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setImmediate(r));
  expect(ok()).toBe(true);
}

describe('logTail', () => {
  it('keeps the last lines within the byte window, never a line cut by it', () => {
    const path = join(tempDir(), 'x.log');
    writeFileSync(path, `${'x'.repeat(100)}\nshort\nlast\n`);
    expect(logTail(path, 5, 20)).toEqual(['short', 'last']);
    expect(logTail(path, 1)).toEqual(['last']);
    expect(logTail(join(tempDir(), 'missing.log'))).toEqual([]);
  });
});
