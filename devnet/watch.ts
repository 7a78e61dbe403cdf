// What `cluster up` says while it runs: a node process that ends on its own (crash, kill, `cluster
// down`) is reported at once with how it ended, its log file and the last lines of that log, so an
// operator never sees the supervisor vanish without a word. Once every node has ended, the
// supervisor has nothing left to run: `allExited` resolves and it exits.
import { howItEnded, logTail, type NodeProcess } from './processes.js';

export interface NodeWatch {
  /** Resolves when every node process has ended, with whether all of them exited with code 0. */
  allExited: Promise<{ clean: boolean }>;
  /** Stops reporting (the supervisor is stopping the nodes itself); allExited still resolves. */
  stop(): void;
}

const TAIL_LINES = 5;

export function watchNodes(procs: readonly NodeProcess[], write: (text: string) => void): NodeWatch {
  let watching = true;
  let left = procs.length;
  let clean = true;
  const allExited = new Promise<{ clean: boolean }>((resolve) => {
    if (left === 0) resolve({ clean });
    for (const p of procs) {
      void p.exited.then(async (code) => {
        if (code !== 0) clean = false;
        await p.logged;
        if (watching) {
          const tail = logTail(p.logPath, TAIL_LINES).map((l) => `  | ${l}\n`);
          write(`node ${p.index} ${howItEnded(code)}; log ${p.logPath}\n${tail.join('')}`);
        }
        if (--left > 0) return;
        if (watching) write(`all ${procs.length} nodes have exited\n`);
        resolve({ clean });
      });
    }
  });
  return {
    allExited,
    stop: () => {
      watching = false;
    },
  };
}
