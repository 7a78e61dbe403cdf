// The supervisor's report of node processes that end on their own (devnet/watch.ts), with
// stand-in processes whose exits the test decides.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logTail, type NodeProcess } from '../../../devnet/processes.js';
import { watchNodes } from '../../../devnet/watch.js';

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

describe('watchNodes', () => {
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
    expect(out).toEqual([
      `node 0 exited with code 1; log ${logs[0]}\n  | c\n  | d\n  | e\n  | f\n  | {"msg":"fatal error, stopping"}\n`,
    ]);
    nodes[1]!.end('SIGKILL');
    expect(await watch.allExited).toEqual({ clean: false });
    expect(out.slice(1)).toEqual([
      `node 1 was killed by SIGKILL; log ${logs[1]}\n`,
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

describe('logTail', () => {
  it('keeps the last lines within the byte window, never a line cut by it', () => {
    const path = join(tempDir(), 'x.log');
    writeFileSync(path, `${'x'.repeat(100)}\nshort\nlast\n`);
    expect(logTail(path, 5, 20)).toEqual(['short', 'last']);
    expect(logTail(path, 1)).toEqual(['last']);
    expect(logTail(join(tempDir(), 'missing.log'))).toEqual([]);
  });
});
