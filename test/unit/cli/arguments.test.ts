// Commands check their arguments before they act. `cluster up` before it writes anything: the
// folder's files are reused by every later run, so a bad port written into them would break the
// cluster for good. `trace` before it connects to any node.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-cli-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cluster up arguments', () => {
  it.each([
    [['-n', '4', '--base-port', 'abc'], '--base-port must be an integer from 1 to 65524 for 4 nodes'],
    [['-n', '4', '--base-port', '65530'], '--base-port must be an integer from 1 to 65524 for 4 nodes'],
    [['-n', '1', '--base-port', '0'], '--base-port must be an integer from 1 to 65533 for 1 nodes'],
    [['-n', '0'], '--nodes must be an integer from 1 to 64'],
    [['-n', '2.5'], '--nodes must be an integer from 1 to 64'],
  ])('refuses %j and writes nothing', async (args, message) => {
    const folder = join(dir, `c-${args.join('_')}`);
    await expect(runCli(['cluster', 'up', '--dir', folder, ...args])).rejects.toThrow(message);
    expect(existsSync(folder)).toBe(false);
  });
});

describe('trace arguments', () => {
  it.each(['abc', 'AB'.repeat(32), 'ab'.repeat(33)])('refuses the tracing code %s', async (code) => {
    // Port 1 has no node: reaching it would fail with another message, after a connect attempt.
    await expect(runCli(['trace', code, '--rpc', '127.0.0.1:1'])).rejects.toThrow(
      'tracing code must be 64 lower-case hex digits',
    );
  });
});
