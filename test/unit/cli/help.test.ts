// `--help` on every command: walks the command tree cli/commands.ts registers, so a
// command added later is covered without editing this file.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../cli/commands.js';
import { createProgram } from '../../../cli/program.js';
import { buildProgram, commandPaths, runHelp } from './program.js';

const tree = await buildProgram();
const paths = commandPaths(tree);

function commandAt(path: string[]): Command {
  return path.reduce<Command>((cmd, name) => cmd.commands.find((c) => c.name() === name)!, tree);
}

/** Help text is wrapped to the terminal width; compare with whitespace runs collapsed. */
const squash = (s: string): string => s.replace(/\s+/g, ' ');

describe('bkdms --help', () => {
  it('the tree holds every operator command', () => {
    const names = new Set(paths.map((p) => p.join(' ')));
    for (const required of [
      'keys gen',
      'genesis init',
      'node start',
      'cluster up',
      'cluster down',
      'status',
      'trace',
      'verify',
      'state',
      'platform admin register-site',
      'platform admin suspend-site',
      'platform admin resume-site',
      'platform admin revoke-site',
      'platform admin rotate-site-key',
      'platform admin approve',
      'xchain import-fact',
    ])
      expect(names, required).toContain(required);
  });

  it('the lazy command table names exactly the top-level commands of the whole tree', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(tree.commands.map((c) => c.name()).sort());
  });

  it('a run that names a command loads that command only, with all its subcommands', async () => {
    const node = await createProgram(['node', 'info']);
    expect(node.commands.map((c) => c.name())).toEqual(['node']);
    const whole = tree.commands.find((c) => c.name() === 'node')!;
    expect(node.commands[0]!.commands.map((c) => c.name())).toEqual(whole.commands.map((c) => c.name()));
    const trace = await createProgram(['verify', 'bundle.json']);
    expect(trace.commands.map((c) => c.name()).sort()).toEqual(['trace', 'verify']);
    const typo = await createProgram(['stauts']);
    expect(typo.commands).toHaveLength(tree.commands.length);
  });

  it('--version prints the version, the commit and the Node.js version, and exits 0', async () => {
    const cap = { out: '', err: '' };
    const err = await (await buildProgram(cap)).parseAsync(['--version'], { from: 'user' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'commander.version', exitCode: 0 });
    expect(cap.out).toMatch(/^bkdms \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown), node v\d+/);
  });

  it('the top level prints its help and exits 0', async () => {
    const r = await runHelp([]);
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('Usage: bkdms');
  });

  it.each(paths.map((p) => [p.join(' '), p] as const))(
    'bkdms %s --help exits 0 with a description',
    async (_, path) => {
      const r = await runHelp(path);
      expect(r.code).toBe('commander.helpDisplayed');
      expect(r.exitCode).toBe(0);
      expect(r.out).toContain(`Usage: bkdms ${path.join(' ')}`);
      // The help must say what the command does, not only list its options.
      const description = commandAt(path).description();
      expect(description.length).toBeGreaterThan(0);
      expect(squash(r.out)).toContain(squash(description));
    },
  );
});
