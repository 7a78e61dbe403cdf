// `bkdms genesis init`: the file it writes is one the node's genesis loader accepts, holding the
// validators, admins and threshold, sites, SCP keys and parameters given; bad input is refused with
// a message naming the field, and no file is written.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../../crypto/bytes.js';
import { generateEd25519 } from '../../../crypto/ed25519.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { loadGenesis } from '../../../node/genesis.js';
import { runCli } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-genesis-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const edKey = (): string => toHex(generateEd25519().publicKey);
const validators = [edKey(), edKey(), edKey(), edKey()];
const admins = [edKey(), edKey(), edKey()];
const site = edKey();
const scp = toHex(generateX25519().publicKey);

let n = 0;
const fresh = (): string => join(dir, `genesis-${n++}.json`);

function sitesFile(sites: unknown): string {
  const path = join(dir, `sites-${n++}.json`);
  writeFileSync(path, typeof sites === 'string' ? sites : JSON.stringify(sites));
  return path;
}

const goodSites = [
  {
    publicKey: site,
    country: 'CH',
    city: 'locode:CHGVA',
    siteId: '10.0.1.1',
    kpis: ['EN: EN: AQ: 1C', 21202],
  },
];

function args(out: string, extra: string[] = []): string[] {
  return [
    'genesis',
    'init',
    '--out',
    out,
    '--chain-name',
    'city-chain',
    ...validators.flatMap((v) => ['--validator', v]),
    ...admins.flatMap((a) => ['--admin', a]),
    ...extra,
  ];
}

/** Runs genesis init expecting a refusal; returns its message and checks nothing was written. */
async function refusal(out: string, argv: string[]): Promise<string> {
  const err = await runCli(argv).then(
    () => new Error('genesis init accepted the input'),
    (e: unknown) => e as Error,
  );
  expect(existsSync(out)).toBe(false);
  return err.message;
}

describe('genesis init', () => {
  it('writes a genesis the node loads, with everything given and the chain ID it prints', async () => {
    const out = fresh();
    const argv = args(out, [
      '--threshold',
      '2',
      '--sites',
      sitesFile(goodSites),
      '--scp-key',
      scp,
      '--period-ms',
      '500',
      '--view-timeout-ms',
      '2500',
    ]);
    const printed = JSON.parse(await runCli(argv)) as { file: string; chainId: string };
    const g = loadGenesis(out);
    expect(printed).toEqual({ file: out, chainId: toHex(g.chainId) });
    expect(g.chainName).toBe('city-chain');
    expect(g.validators.map(toHex)).toEqual(validators);
    expect(g.admins.map(toHex)).toEqual(admins);
    expect(g.threshold).toBe(2);
    expect(g.sites).toHaveLength(1);
    expect(toHex(g.sites[0]!.publicKey)).toBe(site);
    expect(g.sites[0]!.country).toBe(756);
    expect(g.sites[0]!.kpiCodes).toEqual([21101, 21202]);
    expect(g.scpKeys.map((k) => toHex(k.publicKey))).toEqual([scp]);
    expect(g.scpKeys[0]!.notAfter).toBeGreaterThan(g.scpKeys[0]!.notBefore);
    expect(g.params).toEqual({
      periodMs: 500,
      viewTimeoutMs: 2500,
      maxBlockEnvelopes: 2000,
      maxBlockBytes: 4194304,
      maxSeqGap: 1_000_000,
      maxEnvelopeFutureMs: 300_000,
    });
  });

  it('defaults to threshold 1, no sites, no SCP keys', async () => {
    const out = fresh();
    await runCli(args(out));
    const g = loadGenesis(out);
    expect(g.threshold).toBe(1);
    expect(g.sites).toEqual([]);
    expect(g.scpKeys).toEqual([]);
  });

  it('refuses a threshold above the number of admins, or not a positive integer', async () => {
    let out = fresh();
    expect(await refusal(out, args(out, ['--threshold', '4']))).toContain(
      'admins.threshold: larger than the number of admins',
    );
    out = fresh();
    expect(await refusal(out, args(out, ['--threshold', 'two']))).toContain('admins.threshold:');
    out = fresh();
    expect(await refusal(out, args(out, ['--threshold', '0']))).toContain('admins.threshold:');
  });

  it('refuses bad keys, a missing validator, a duplicate and a bad chain name', async () => {
    let out = fresh();
    expect(await refusal(out, [...args(out), '--validator', 'ABCD'])).toContain(
      'validators.4: expected a 32-byte key as 64 lower-case hex digits',
    );
    out = fresh();
    expect(await refusal(out, [...args(out), '--validator', validators[0]!])).toContain(
      'validators: duplicate key',
    );
    out = fresh();
    const noValidators = ['genesis', 'init', '--out', out, '--chain-name', 'c', '--admin', admins[0]!];
    expect(await refusal(out, noValidators)).toContain('validators: at least one validator');
    out = fresh();
    const badName = args(out).map((a) => (a === 'city-chain' ? 'City Chain' : a));
    expect(await refusal(out, badName)).toContain('chainName: lower-case letters, digits and dashes');
    out = fresh();
    expect(await refusal(out, args(out, ['--period-ms', 'soon']))).toContain('params.periodMs:');
    out = fresh();
    expect(await refusal(out, args(out, ['--max-seq-gap', '10']))).toContain('params.maxSeqGap:');
  });

  it('writes the envelope bounds given on the command line', async () => {
    const out = fresh();
    await runCli(args(out, ['--max-seq-gap', '5000', '--max-envelope-future-ms', '60000']));
    const g = loadGenesis(out);
    expect([g.params.maxSeqGap, g.params.maxEnvelopeFutureMs]).toEqual([5000, 60_000]);
  });

  it('refuses a bad sites file, naming the site and field or the file', async () => {
    let out = fresh();
    const unknownCountry = sitesFile([{ ...goodSites[0], country: 'XX' }]);
    expect(await refusal(out, args(out, ['--sites', unknownCountry]))).toContain(
      'sites.0.country: unknown country XX',
    );
    out = fresh();
    const unknownKpi = sitesFile([{ ...goodSites[0], kpis: ['NO: SUCH: KPI'] }]);
    expect(await refusal(out, args(out, ['--sites', unknownKpi]))).toContain('sites.0.kpis: unknown KPI');
    out = fresh();
    const badSiteId = sitesFile([{ ...goodSites[0], siteId: '10.0.1' }]);
    expect(await refusal(out, args(out, ['--sites', badSiteId]))).toContain('sites.0:');
    out = fresh();
    const notJson = sitesFile('[{ oops');
    expect(await refusal(out, args(out, ['--sites', notJson]))).toContain(notJson);
  });
});
