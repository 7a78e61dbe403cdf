// Starts and stops the node processes of a local cluster. Each node is `bkdms node start --config`
// in its own process; a node announces readiness with one JSON log line whose `event` is
// `node.ready`, so the supervisor waits on that event, never on a timer.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface NodeProcess {
  index: number;
  child: ChildProcess;
  /** Resolves with the ready event's fields, rejects if the process exits first. */
  ready: Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** The file its stdout and stderr are appended to. */
  logPath: string;
  /**
   * The node's own process id: the child's, or under a wrapper (heaptrack) the one the node
   * reported in its ready event (undefined until then). Signals and memory samples go here: a
   * wrapper script does not pass SIGTERM on and its RSS is not the node's.
   */
  nodePid: number | undefined;
  /** Resolves once everything the process wrote is in its log file (after it exited). */
  logged: Promise<void>;
}

/**
 * The compiled CLI (build/cli/main.js): beside this file's folder when it runs compiled
 * (build/devnet), or under build/ at the repository root when it runs from source (vitest); node
 * processes always run compiled JS.
 */
export const cliEntry = ((): string => {
  const here = fileURLToPath(import.meta.url);
  if (here.includes(`${sep}build${sep}`)) return join(dirname(here), '..', 'cli', 'main.js');
  return join(dirname(here), '..', 'build', 'cli', 'main.js');
})();

/**
 * `nodeArgs` go to node itself, before the script (e.g. --cpu-prof, which NODE_OPTIONS refuses);
 * `cliArgs` after `node start --config <file>` (the test kit's --testkit); `wrapper` is a command
 * the node runs under (`['heaptrack', '-o', file]`: a profiler that must start the process).
 */
export function startNodeProcess(
  index: number,
  configPath: string,
  logPath: string,
  nodeArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  cliArgs: readonly string[] = [],
  wrapper: readonly string[] = [],
): NodeProcess {
  // stdin is a pipe the child watches: if this supervisor dies without stopping it (SIGKILL, a
  // closed terminal), the pipe closes and the node shuts down instead of running on orphaned.
  const argv = [process.execPath, ...nodeArgs, cliEntry, 'node', 'start', '--config', configPath, ...cliArgs];
  const command = [...wrapper, ...argv];
  const child = spawn(command[0]!, command.slice(1), {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env, BKDMS_EXIT_WITH_PARENT: '1' },
  });
  const log = createWriteStream(logPath, { flags: 'a' });
  // Ended once both pipes are drained ('close'), not when stderr ends: stdout lines may still come.
  child.stderr?.pipe(log, { end: false });
  child.on('close', () => log.end());
  const logged = new Promise<void>((res) => {
    log.on('finish', res);
    // A log that cannot be written is no reason to take the supervisor down.
    log.on('error', () => res());
  });
  const exited = new Promise<number | string>((res) => {
    child.on('exit', (code, signal) => res(code ?? signal ?? -1));
  });
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      if (!line.includes('node.ready')) return;
      try {
        const ev = JSON.parse(line) as Record<string, unknown>;
        if (ev.event !== 'node.ready') return;
        if (proc.nodePid === undefined && typeof ev.pid === 'number') proc.nodePid = ev.pid;
        resolve(ev);
      } catch {
        // A log line that merely mentions the word; keep waiting for the real event.
      }
    });
    void exited.then((code) =>
      reject(new Error(`node ${index} ${howItEnded(code)} before it was ready; see ${logPath}`)),
    );
  });
  ready.catch(() => undefined);
  const proc: NodeProcess = {
    index,
    child,
    ready,
    exited,
    logPath,
    logged,
    nodePid: wrapper.length === 0 ? child.pid : undefined,
  };
  return proc;
}

/** "exited with code 1", "was killed by SIGKILL": what `exited` resolved with, in words. */
export function howItEnded(code: number | string): string {
  return typeof code === 'number' ? `exited with code ${code}` : `was killed by ${code}`;
}

/**
 * The last `lines` lines of a log file, read from at most its last `maxBytes` (a node's log may be
 * large); [] when it cannot be read.
 */
export function logTail(path: string, lines = 5, maxBytes = 8192): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, maxBytes));
    const n = readSync(fd, buf, 0, buf.length, size - buf.length);
    const all = buf.subarray(0, n).toString('utf8').split('\n');
    // The first line may be cut by the byte window; drop it unless the file is that short.
    if (buf.length < size) all.shift();
    return all.filter((l) => l.trim() !== '').slice(-lines);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Signals the node itself (under a wrapper, the node's pid); false when it is already gone. */
function signalNode(p: NodeProcess, signal: NodeJS.Signals): boolean {
  if (p.nodePid === undefined || p.nodePid === p.child.pid) return p.child.kill(signal);
  try {
    process.kill(p.nodePid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to every node, SIGKILL after a grace period; resolves when all have exited. Under a
 * wrapper the node gets the SIGTERM and the wrapper ends after it (heaptrack then writes its file);
 * the SIGKILL goes to both.
 */
export async function stopAll(procs: NodeProcess[], graceMs = 10_000): Promise<void> {
  for (const p of procs) if (p.child.exitCode === null) signalNode(p, 'SIGTERM');
  await Promise.all(
    procs.map(async (p) => {
      const timer = setTimeout(() => {
        signalNode(p, 'SIGKILL');
        p.child.kill('SIGKILL');
      }, graceMs);
      await p.exited;
      clearTimeout(timer);
    }),
  );
}

const pidFile = (dir: string): string => join(dir, 'cluster.pids');

export function writePids(dir: string, procs: NodeProcess[]): void {
  writeFileSync(pidFile(dir), `${procs.map((p) => p.nodePid ?? p.child.pid).join('\n')}\n`);
}

/** `cluster down`: signals the processes recorded by `cluster up` in that folder. */
export function signalRecordedPids(dir: string): number {
  if (!existsSync(pidFile(dir))) return 0;
  let n = 0;
  for (const line of readFileSync(pidFile(dir), 'utf8').split('\n')) {
    const pid = Number(line);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 'SIGTERM');
      n++;
    } catch {
      // Already gone.
    }
  }
  rmSync(pidFile(dir), { force: true });
  return n;
}
