// `bkdms node start` with a `memory` config: V8 takes its heap limits, and the dynamic loader its
// preloaded malloc, only at process start, so the command runs the node in a child started with
// them (node/heap-cap.ts) and waits for it.
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { constants } from 'node:os';
import { NodeError, NodeErrorCode } from '../node/errors.js';
import { heapFlags, type MemoryConfig, preloadValue, reexecArgv } from '../node/heap-cap.js';

/** Set in the child's environment: the flags are in place, never re-execute again. */
export const HEAP_REEXEC_ENV = 'BKDMS_HEAP_REEXEC';

/** Refuses a malloc library that is not a readable file: the loader would only warn and go on. */
export function checkMallocLibrary(path: string): void {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, fsConstants.R_OK);
  } catch (err) {
    throw new NodeError(
      NodeErrorCode.BadConfig,
      `memory.mallocLibrary ${path} is not a readable file (${err instanceof Error ? err.message : String(err)}); ` +
        'install it (Debian: apt-get install libjemalloc2) or remove the setting',
    );
  }
}

/**
 * Re-executes this process with the memory config's V8 flags and malloc library unless they already
 * apply; resolves to the child's exit code (128 + signal number when a signal ended it), or
 * undefined when this process is to run the node itself.
 */
export function reexecWithHeapCap(memory: MemoryConfig | undefined): Promise<number> | undefined {
  if (memory === undefined || process.env[HEAP_REEXEC_ENV] === '1') return undefined;
  if (memory.mallocLibrary !== undefined) checkMallocLibrary(memory.mallocLibrary);
  const script = process.argv.slice(1);
  const flagArgs = reexecArgv(process.execArgv, script, heapFlags(memory), process.env.NODE_OPTIONS);
  const preload = preloadValue(memory, process.env.LD_PRELOAD);
  if (flagArgs === undefined && preload === undefined) return undefined;
  const args = flagArgs ?? [...process.execArgv, ...script];
  // Its own process group, so a terminal's Ctrl-C reaches it once (forwarded below), not twice:
  // a second SIGINT during the node's clean stop would cut that stop short.
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    detached: true,
    env: {
      ...process.env,
      [HEAP_REEXEC_ENV]: '1',
      ...(preload === undefined ? {} : { LD_PRELOAD: preload }),
    },
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
