// The done-when of clients that trust no single node, on real processes: a 4-node cluster whose
// node 0 runs with --testkit and lies in every way the test kit knows (a forged SCP key with a
// forged proof, "committed" for envelopes it never committed, bad certificates on headers, blocks
// and traces, bad state proofs, a forked block-hash log). A site configured with only the genesis
// file and the four addresses, the liar first, runs a live feed against it; so does the platform.
// Every reading must arrive, sealed only to the real SCP key (the platform holds no other and
// decrypts every one), the site must name the liar and only the liar in its reports, and the
// platform must refuse the liar's blocks and traces and take them from another node.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { siteAnchorOf } from '../../cli/trust-anchor.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { type RunningCluster, startCluster } from '../../devnet/cluster.js';
import { clusterPassphrase, prepareCluster } from '../../devnet/layout.js';
import { freeNodePorts } from '../../devnet/ports.js';
import { loadGenesis } from '../../node/genesis.js';
import { type PlatformHandle, parsePlatformConfig, runPlatform } from '../../platform/index.js';
import { loggerFrom, silentLogger } from '../../runtime/log.js';
import { runSite } from '../../site/run.js';
import type { SiteHandle } from '../../site/runtime.js';
import { LIE_ENV } from '../../testkit/lying-node.js';
import { Feed, liveSiteConfig, until } from '../support/live-site.js';

const LIAR = 0;
const LIES = 'scp-key,receipt,header-cert,state-proof,hash-log';
const READINGS = 8;
const PERIOD_MS = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'bkdms-liar-site-'));
const siteId = '2001:db8:756::21';
let cluster: RunningCluster | undefined;
let platform: PlatformHandle | undefined;
let site: SiteHandle | undefined;
let feed: Feed | undefined;
let siteKey: Uint8Array;
const platformWarnings: { msg: string; meta?: Record<string, unknown> }[] = [];

afterAll(async () => {
  feed?.stop();
  await site?.stop();
  await platform?.stop();
  await cluster?.stop();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

beforeAll(async () => {
  const passphrase = clusterPassphrase(dir);
  siteKey = (await generateKeystore(join(dir, 'site.key'), 'ed25519', passphrase)).publicKey;
  const scp = await generateKeystore(join(dir, 'scp.key'), 'x25519', passphrase);
  const now = Date.now();
  const layout = await prepareCluster({
    dir,
    n: 4,
    ports: await freeNodePorts(4),
    sites: [
      {
        publicKey: Buffer.from(siteKey).toString('hex'),
        country: 756,
        city: 'locode:CHGVA',
        siteId,
        kpis: [21101],
      },
    ],
    scpKeys: [
      {
        publicKey: Buffer.from(scp.publicKey).toString('hex'),
        notBefore: new Date(now - 3600_000).toISOString(),
        notAfter: new Date(now + 3600_000).toISOString(),
      },
    ],
    params: { periodMs: 200, viewTimeoutMs: 1500 },
    tickMs: 20,
    logSpec: 'warn',
  });
  cluster = await startCluster(layout, {
    perNode: (i) => (i === LIAR ? { env: { [LIE_ENV]: LIES }, args: ['--testkit'] } : {}),
  });
  const config = parsePlatformConfig({
    dataDir: join(dir, 'platform'),
    genesis: layout.genesisPath,
    // The liar first: the platform starts following it and must move on.
    chain: { endpoints: cluster.rpc, insecure: true, deadlineMs: 2_000 },
    encryptionKeys: [{ path: join(dir, 'scp.key'), passphraseFile: layout.passphraseFile }],
    progressMs: 0,
    retry: { baseMs: 100, maxMs: 1_000 },
  });
  const log = loggerFrom((level, msg, meta) => {
    if (level === 'warn' || level === 'error') platformWarnings.push({ msg, meta });
  });
  platform = await runPlatform(config, { genesis: loadGenesis(layout.genesisPath), passphrase, log });
}, 120_000);

describe('a site and the platform against a cluster with a lying node (real processes)', () => {
  it('delivers every reading, sealed to the real SCP key, and reports only the liar', async () => {
    const c = cluster!;
    const liar = c.rpc[LIAR]!;
    feed = new Feed(join(dir, 'sensor.jsonl'), PERIOD_MS);
    feed.start();
    site = await runSite(
      liveSiteConfig({
        name: 'liar-test',
        dataDir: join(dir, 'site'),
        keystorePath: join(dir, 'site.key'),
        passphraseFile: c.layout.passphraseFile,
        siteId,
        // Only the genesis file and the node addresses, the liar's first.
        endpoints: c.rpc,
        genesisPath: c.layout.genesisPath,
        feedPath: feed.path,
        periodMs: PERIOD_MS,
      }),
      { log: silentLogger, print: () => undefined, anchor: siteAnchorOf({ genesis: c.layout.genesisPath }) },
    );
    await until('readings fed', () => feed!.values.length >= READINGS, 60_000);
    feed.stop();
    const s = site;
    await until(
      'every reading sealed and committed',
      () => {
        const st = s.status();
        return st.outboxDepth === 0 && st.spooledPeriods === 0 && st.sealed === feed!.values.length;
      },
      90_000,
    );
    const st = s.status();
    expect(st.committed).toBe(feed.values.length);
    expect(st.rejected).toBe(0);
    expect(st.dropped).toEqual({});
    // The site refused the liar's answers and said so, naming the liar and nobody else.
    expect(st.unverified?.[liar] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(st.unverified ?? {})).toEqual([liar]);
    expect(st.lastUnverified).toMatch(new RegExp(`^${liar.replace(/[.]/g, '\\.')} `));

    // The platform's view: every reading once, decrypted with the one real SCP key it holds (an
    // envelope sealed to the liar's key would be a decryption failure).
    const client = new BkdmsClient({ address: c.rpc[1]!, tls: { insecure: true } });
    try {
      await platform!.waitForHeight((await client.getStatus()).height);
    } finally {
      client.close();
    }
    const values: number[] = [];
    const codes: string[] = [];
    const mine = Buffer.from(keyIdOf(siteKey)).toString('hex');
    for await (const p of platform!.packets()) {
      expect(p.outcome.ok, p.meta.tracingCode).toBe(true);
      if (!p.outcome.ok || p.meta.siteKeyId !== mine) continue;
      codes.push(p.meta.tracingCode);
      values.push(...p.outcome.record.entries.map((e) => e.value));
    }
    expect(values.sort((a, b) => a - b)).toEqual(feed.values);
    expect(platform!.counters.failures).toEqual({});
    // The platform followed the liar first, refused its blocks and moved on to another node.
    expect(
      platformWarnings.some((w) => w.msg.includes('trying the next node') && w.meta?.node === LIAR),
    ).toBe(true);
    // A trace asks the liar first (a bad certificate) and keeps the answer that verifies.
    const t = await platform!.trace(codes[0]!);
    expect(t.verified, JSON.stringify(t.failure)).toBe(true);
  }, 240_000);
});
