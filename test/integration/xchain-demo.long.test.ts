// `bkdms demo xchain` end to end: two real chains, the relayer, a fact imported, the two-chain
// trace fetched from B and verified; then the saved bundle checked again by `bkdms verify` in its
// own process with no network, and refused against swapped genesis files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runXchainDemo } from '../../cli/demo-xchain.js';
import { bkdms } from '../support/bkdms-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-xdemo-'));
afterAll(() => {
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('bkdms demo xchain', () => {
  it('prints a verified two-chain trace whose bundle verifies offline', async () => {
    const lines: string[] = [];
    const s = await runXchainDemo({ dir, nodes: 4, print: (l) => lines.push(l) });
    expect(s.report).toMatchObject({
      verified: true,
      clientId: 1,
      local: { certificate: { validators: 4 } },
    });
    expect(lines.join('\n')).toContain('verified: true (chain B:');

    const ok = await bkdms([
      'verify',
      s.bundlePath,
      '--genesis',
      s.genesisB,
      '--remote-genesis',
      s.genesisA,
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ verified: true });
    const swapped = await bkdms([
      'verify',
      s.bundlePath,
      '--genesis',
      s.genesisA,
      '--remote-genesis',
      s.genesisB,
    ]);
    expect(swapped.code).toBe(1);
    expect(swapped.stdout).toContain('NOT VERIFIED');
  }, 600_000);
});
