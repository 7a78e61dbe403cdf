// The process guard in a real Node process (the compiled node/process-guard.js): with it, a
// rejected promise nobody handles and an exception thrown from a timer are counted and the process
// runs on; without it, the same script dies, as a validator did when a peer never answered a dial.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../../devnet/processes.js';

const guardModule = pathToFileURL(join(dirname(cliEntry), '..', 'node', 'process-guard.js')).href;

/** Runs an ES module script in a fresh node; resolves with its exit code and output. */
function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const faults = `
Promise.reject(new Error('no identify within 10 ms'));
// Timers of one delay run in the order they were set: the report comes after the throw.
setTimeout(() => { throw new Error('thrown from a timer'); }, 0);
setTimeout(() => console.log(JSON.stringify({ counts, failed })), 0);
`;

describe('process guard in a real process', () => {
  it('counts an unhandled rejection and an uncaught exception and keeps the process running', async () => {
    const r = await run(`
import { guardProcess } from '${guardModule}';
const counts = { rejection: 0, exception: 0 };
const failed = [];
const log = { error: (o, msg) => process.stderr.write(msg + '\\n') };
guardProcess({ log, count: (k) => counts[k]++, fail: (e) => failed.push(String(e)), dataDir: '/nonexistent' });
${faults}`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ counts: { rejection: 1, exception: 1 }, failed: [] });
    expect(r.stderr).toContain('uncaught rejection: the node keeps running');
    expect(r.stderr).toContain('uncaught exception: the node keeps running');
  });

  it('without the guard the same script dies at the first fault', async () => {
    const r = await run(`const counts = {}; const failed = [];\n${faults}`);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no identify within 10 ms');
  });
});
