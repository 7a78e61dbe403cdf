// The compiled `bkdms` command in real processes, for the end-to-end tests: one call run to
// completion, or a long-running one (cluster up) read line by line. Build first (`npm run build`).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { cliEntry } from '../../devnet/processes.js';

/** Upper bound for any one CLI call; a hung command fails the test instead of stalling the run. */
export const CALL_MS = 30_000;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bkdms <args>` to completion; killed after `timeoutMs` (a long test may allow more). */
export function bkdms(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = CALL_MS): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A long-running `bkdms` (cluster up) in its own process group, read line by line: stdout lines as
 * they are, stderr lines prefixed with `stderr: `.
 */
export class Supervised {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | string>;
  private waiters: { re: RegExp; resolve: (line: string) => void }[] = [];

  constructor(args: string[]) {
    // detached: the process leads a new group, so SIGINT to -pid reaches it and its node
    // processes together, exactly like Ctrl-C in a terminal.
    this.child = spawn(process.execPath, [cliEntry, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.push(line));
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.push(`stderr: ${line}`));
    this.exited = new Promise((res) => this.child.on('exit', (code, signal) => res(code ?? signal ?? -1)));
  }

  private push(line: string): void {
    this.lines.push(line);
    for (const w of this.waiters.filter((w) => w.re.test(line))) w.resolve(line);
    this.waiters = this.waiters.filter((w) => !w.re.test(line));
  }

  /** Resolves with the first line matching `re`; rejects if the process exits first. */
  line(re: RegExp): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.waiters.push({ re, resolve });
      void this.exited.then((code) =>
        reject(new Error(`exited (${code}) before printing ${re}:\n${this.lines.join('\n')}`)),
      );
    });
  }

  /** Last resort for a failed test: no process of the group outlives the run. */
  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  }
}

/** Whether 127.0.0.1:port can be listened on (nobody holds it). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
