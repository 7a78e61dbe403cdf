// What `cluster up` does when a node process ends on its own (a crash, a kill): it says so at once
// (how it ended, its log file, the last lines of that log), then restarts it after a backoff that
// doubles with each restart of that node, up to a cap of restarts per node. The restarted process
// gets BKDMS_RESTART=`count,timeMs,how it ended`, which its fault management raises as the
// node-restarted notice (docs/operations.md). A node that exits with code 0 (`cluster down`) is
// not restarted. Once every node has ended for good, `allExited` resolves.
import { pause } from '../api/retry.js';
import { howItEnded, logTail, type NodeProcess } from './processes.js';

export interface SupervisorOptions {
  /** Restarts of one node before the supervisor gives up on it. */
  maxRestarts: number;
  /** Delay before the first restart of a node; doubles with each, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  write(text: string): void;
  /** Waits `ms` or until `signal` aborts (injected in tests). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export const defaultSupervisorOptions = { maxRestarts: 5, backoffMs: 1000, maxBackoffMs: 30_000 };

export interface Supervised {
  readonly procs: NodeProcess[];
  restart(i: number, env?: NodeJS.ProcessEnv): Promise<void>;
}

export interface Supervisor {
  allExited: Promise<{ clean: boolean }>;
  /** Restarts of each node so far. */
  readonly restarts: readonly number[];
  /** The supervisor is stopping the nodes itself: no more reports or restarts; allExited still resolves. */
  stop(): void;
}

const TAIL_LINES = 5;

// The supervisor's signal lives as long as the cluster: each restart's wait removes its listener.
async function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  await pause(ms, signal);
}

export function superviseNodes(cluster: Supervised, o: SupervisorOptions): Supervisor {
  const ac = new AbortController();
  const sleep = o.sleep ?? sleepFor;
  const restarts = cluster.procs.map(() => 0);
  let clean = true;

  async function one(i: number): Promise<void> {
    for (;;) {
      const p = cluster.procs[i]!;
      const code = await p.exited;
      await p.logged;
      if (ac.signal.aborted) return;
      if (code !== 0) clean = false;
      const tail = logTail(p.logPath, TAIL_LINES).map((l) => `  | ${l}\n`);
      o.write(`node ${i} ${howItEnded(code)}; log ${p.logPath}\n${tail.join('')}`);
      if (code === 0) return;
      if (restarts[i]! >= o.maxRestarts) {
        o.write(`node ${i}: not restarted, ${o.maxRestarts} restarts already\n`);
        return;
      }
      const n = ++restarts[i]!;
      const delay = Math.min(o.backoffMs * 2 ** (n - 1), o.maxBackoffMs);
      o.write(`node ${i}: restarting in ${delay} ms (restart ${n} of at most ${o.maxRestarts})\n`);
      await sleep(delay, ac.signal);
      if (ac.signal.aborted) return;
      try {
        await cluster.restart(i, { BKDMS_RESTART: `${n},${Date.now()},${howItEnded(code)}` });
        o.write(`node ${i}: restarted (restart ${n})\n`);
      } catch (err) {
        // The new process ended before it was ready: the next round reports it and tries again.
        o.write(`node ${i}: restart ${n} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }

  const allExited = Promise.all(cluster.procs.map((_, i) => one(i))).then(() => {
    if (!ac.signal.aborted) o.write(`all ${cluster.procs.length} nodes have exited\n`);
    return { clean };
  });
  return { allExited, restarts, stop: () => ac.abort() };
}
