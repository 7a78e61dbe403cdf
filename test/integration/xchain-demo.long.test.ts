// `bkdms demo xchain` end to end: two real city chains feeding a regional chain, a light client
// and a relayer per city, one fact of each city imported, each two-chain trace fetched from B and
// verified; then the saved bundles checked again by `bkdms verify` in their own processes with no
// network, refused against swapped genesis files and against the other city's genesis.
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
  it('prints a verified two-chain trace of each city whose bundles verify offline', async () => {
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

    // The second city: its own client on B, its own chain, its own bundle.
    expect(s.cities.map((c) => [c.city, c.clientId])).toEqual([
      ['Geneva', 1],
      ['Shanghai', 2],
    ]);
    const [geneva, shanghai] = s.cities as [(typeof s.cities)[0], (typeof s.cities)[0]];
    expect(shanghai.report).toMatchObject({ verified: true, clientId: 2 });
    if (!shanghai.report.verified || !geneva.report.verified) throw new Error('unreachable');
    expect(shanghai.report.remote.chainId).not.toBe(geneva.report.remote.chainId);
    expect(shanghai.report.local.chainId).toBe(geneva.report.local.chainId);
    expect(lines.join('\n')).toContain("Shanghai's fact traced on chain B");
    const second = await bkdms([
      'verify',
      shanghai.bundlePath,
      '--genesis',
      s.genesisB,
      '--remote-genesis',
      shanghai.genesis,
      '--json',
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ verified: true, clientId: 2 });
    const otherCity = await bkdms([
      'verify',
      shanghai.bundlePath,
      '--genesis',
      s.genesisB,
      '--remote-genesis',
      geneva.genesis,
      '--json',
    ]);
    expect(otherCity.code).toBe(1);
    expect(JSON.parse(otherCity.stdout)).toMatchObject({ verified: false, reason: 'WRONG_REMOTE_CHAIN' });
  }, 900_000);
});
