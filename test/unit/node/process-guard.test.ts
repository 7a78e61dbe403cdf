// The node process's policy for errors nothing caught (node/process-guard.ts), driven through an
// emitter standing in for the process: logged at error level and counted in the metric; the node
// keeps running unless the error comes from the store or the consensus core, which stops it.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConsensusError, ConsensusErrorCode } from '../../../consensus/errors.js';
import { createNodeMetrics } from '../../../node/mgmt/metrics.js';
import { P2PError, P2PErrorCode } from '../../../node/p2p/errors.js';
import { guardProcess, threatensState } from '../../../node/process-guard.js';
import { StoreError, StoreErrorCode } from '../../../node/store/errors.js';
import { createLogs } from '../../../runtime/log.js';

const DATA = join('/', 'var', 'lib', 'bkdms', 'data');

function guarded() {
  const lines: Record<string, unknown>[] = [];
  const logs = createLogs({
    spec: 'info',
    destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
  });
  const metrics = createNodeMetrics({ processMetrics: false });
  const failed: unknown[] = [];
  const proc = new EventEmitter();
  const uninstall = guardProcess(
    {
      log: logs.logger('process'),
      count: (kind) => metrics.uncaughtErrors.inc({ kind }),
      fail: (err) => failed.push(err),
      dataDir: DATA,
    },
    proc as unknown as NodeJS.Process,
  );
  const count = async (kind: string): Promise<number> => {
    const m = await metrics.uncaughtErrors.get();
    return m.values.find((v) => v.labels.kind === kind)?.value ?? -1;
  };
  return { lines, failed, proc, uninstall, count };
}

describe('process guard', () => {
  it('an unhandled rejection from the network: logged at error, counted, the node keeps running', async () => {
    const g = guarded();
    expect(await g.count('rejection')).toBe(0);
    const err = new P2PError(P2PErrorCode.Timeout, 'no identify within 10000 ms');
    g.proc.emit('unhandledRejection', err, Promise.resolve());
    expect(await g.count('rejection')).toBe(1);
    expect(await g.count('exception')).toBe(0);
    expect(g.failed).toEqual([]);
    expect(g.lines).toHaveLength(1);
    const line = g.lines[0]!;
    expect(line.level).toBe(50);
    expect(line.module).toBe('process');
    expect(line.kind).toBe('rejection');
    expect(line.stopping).toBe(false);
    expect(JSON.stringify(line.err)).toContain('no identify within 10000 ms');
    expect(line.msg).toContain('keeps running');
  });

  it('an uncaught exception outside the store: counted as such, the node keeps running', async () => {
    const g = guarded();
    g.proc.emit('uncaughtException', new TypeError('cannot read properties of undefined'));
    expect(await g.count('exception')).toBe(1);
    expect(g.failed).toEqual([]);
  });

  it('a store or consensus error stops the node through its lifecycle', async () => {
    const g = guarded();
    const store = new StoreError(StoreErrorCode.Io, 'write failed');
    const core = new ConsensusError(ConsensusErrorCode.BadState, 'restored state does not fit');
    g.proc.emit('unhandledRejection', store, Promise.resolve());
    g.proc.emit('uncaughtException', core);
    expect(g.failed).toEqual([store, core]);
    expect(await g.count('rejection')).toBe(1);
    expect(await g.count('exception')).toBe(1);
    expect(g.lines.map((l) => l.stopping)).toEqual([true, true]);
    expect(String(g.lines[0]!.msg)).toContain('stopping the node');
  });

  it('store errors by origin: LevelDB codes and file-system errors under the data folder', () => {
    const fsError = (path: string) =>
      Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', path });
    expect(
      threatensState(Object.assign(new Error('db closed'), { code: 'LEVEL_DATABASE_NOT_OPEN' }), DATA),
    ).toBe(true);
    expect(threatensState(fsError(join(DATA, 'blocks', '000001.log')), DATA)).toBe(true);
    expect(threatensState(fsError(`${DATA}-other/x`), DATA)).toBe(false);
    expect(threatensState(fsError('/etc/hosts'), DATA)).toBe(false);
    expect(threatensState(new P2PError(P2PErrorCode.Unreachable, 'refused'), DATA)).toBe(false);
    expect(threatensState('a string', DATA)).toBe(false);
    expect(threatensState(undefined, DATA)).toBe(false);
  });

  it('a rejection value that is not an Error is logged by its type only', async () => {
    const g = guarded();
    const secret = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2';
    g.proc.emit('unhandledRejection', secret, Promise.resolve());
    g.proc.emit('unhandledRejection', new Uint8Array(32).fill(7), Promise.resolve());
    expect(await g.count('rejection')).toBe(2);
    const text = JSON.stringify(g.lines);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('7,7,7');
    expect(g.lines.map((l) => l.reasonType)).toEqual(['string', 'object']);
  });

  it('uninstalling removes both listeners', () => {
    const g = guarded();
    expect(g.proc.listenerCount('unhandledRejection')).toBe(1);
    expect(g.proc.listenerCount('uncaughtException')).toBe(1);
    g.uninstall();
    expect(g.proc.listenerCount('unhandledRejection')).toBe(0);
    expect(g.proc.listenerCount('uncaughtException')).toBe(0);
  });
});
