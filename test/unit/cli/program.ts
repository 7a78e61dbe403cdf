// The `bkdms` command tree built in-process exactly as cli/main.ts builds it, with commander's
// process.exit replaced by a thrown CommanderError and its output captured, so that tests can run
// commands and read what they print without spawning the compiled CLI.
import { type Command, CommanderError } from 'commander';
import { vi } from 'vitest';
import { createProgram } from '../../../cli/program.js';

export interface Captured {
  /** Commander's own output (help, usage errors). */
  out: string;
  err: string;
}

/** Applies exitOverride and output capture to `cmd` and every command below it. */
function tame(cmd: Command, cap: Captured): void {
  cmd.exitOverride().configureOutput({
    writeOut: (s) => {
      cap.out += s;
    },
    writeErr: (s) => {
      cap.err += s;
    },
  });
  for (const sub of cmd.commands) tame(sub, cap);
}

export async function buildProgram(cap: Captured = { out: '', err: '' }): Promise<Command> {
  const program = await createProgram();
  tame(program, cap);
  return program;
}

/** Every command path of the tree, e.g. ['platform', 'admin', 'suspend-site']. */
export function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

export interface HelpRun {
  exitCode: number;
  code: string;
  out: string;
}

/** Runs `bkdms <path> --help` on a fresh tree (commander keeps parse state between runs). */
export async function runHelp(path: string[]): Promise<HelpRun> {
  const cap: Captured = { out: '', err: '' };
  try {
    await (await buildProgram(cap)).parseAsync([...path, '--help'], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return { exitCode: err.exitCode, code: err.code, out: cap.out };
    throw err;
  }
  throw new Error(`bkdms ${path.join(' ')} --help returned instead of exiting`);
}

/**
 * Runs one command's action in-process and returns what it wrote on stdout. Errors thrown by the
 * action reject (cli/main.ts turns them into `bkdms: <message>` and exit code 1).
 */
export async function runCli(args: string[]): Promise<string> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await (await buildProgram()).parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return stdout;
}
