// `bkdms node start` with a `memory` config: V8 takes its heap limits only at process start, so the
// command runs the node in a child started with the flags (node/heap-cap.ts) and waits for it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { heapFlags, type MemoryConfig, reexecArgv } from '../node/heap-cap.js';

/** Set in the child's environment: the flags are in place, never re-execute again. */
export const HEAP_REEXEC_ENV = 'BKDMS_HEAP_REEXEC';

/**
 * Re-executes this process with the memory config's V8 flags unless they already apply; resolves to
 * the child's exit code (128 + signal number when a signal ended it), or undefined when this
 * process is to run the node itself.
 */
export function reexecWithHeapCap(memory: MemoryConfig | undefined): Promise<number> | undefined {
  if (memory === undefined || process.env[HEAP_REEXEC_ENV] === '1') return undefined;
  const args = reexecArgv(
    process.execArgv,
    process.argv.slice(1),
    heapFlags(memory),
    process.env.NODE_OPTIONS,
  );
  if (args === undefined) return undefined;
  // Its own process group, so a terminal's Ctrl-C reaches it once (forwarded below), not twice:
  // a second SIGINT during the node's clean stop would cut that stop short.
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, [HEAP_REEXEC_ENV]: '1' },
  });
  const forward = (sig: NodeJS.Signals) => (): void => {
    child.kill(sig);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR2'];
  const handlers = signals.map((sig) => [sig, forward(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const [sig, h] of handlers) process.off(sig, h);
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
