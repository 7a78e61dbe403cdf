// Two sampling sites against a real 4-node chain through a 12 s outage of every node (Y.4907 §8.1,
// durable outbox). The sites' sources are fed live, one reading per processing period, before,
// during and after the outage; one site is stopped and started again while the chain is down,
// with envelopes waiting in its outbox. When the chain is back, the platform must hold every
// reading exactly once: nothing lost, nothing duplicated.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
import { silentLogger } from '../../runtime/log.js';
import { runSite } from '../../site/run.js';
import type { SiteRunStatus } from '../../site/status.js';
import { Feed, liveSiteConfig, until } from '../support/live-site.js';

// Long enough for every retry to reach its cap: the sites' upload backoff (1 s here) and gRPC's
// reconnect backoff (5 s, reached after about 9 s of failed attempts, api/client.ts); a longer
// outage repeats the same capped retries.
const OUTAGE_MS = 12_000;
const PERIOD_MS = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'bkdms-outage-'));
const sites = [
  { name: 'steady', siteId: '2001:db8:756::11' },
  { name: 'restarted', siteId: '2001:db8:756::12' },
];
let cluster: RunningCluster | undefined;
let platform: PlatformHandle | undefined;
const feeds: Feed[] = [];

afterAll(async () => {
  for (const f of feeds) f.stop();
  await platform?.stop();
  await cluster?.stop();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('sites through a 12 s outage of the whole chain', () => {
  const keys: Uint8Array[] = [];

  beforeAll(async () => {
    const passphrase = clusterPassphrase(dir);
    for (const s of sites)
      keys.push((await generateKeystore(join(dir, `${s.name}.key`), 'ed25519', passphrase)).publicKey);
    const scp = await generateKeystore(join(dir, 'scp.key'), 'x25519', passphrase);
    const now = Date.now();
    const layout = await prepareCluster({
      dir,
      n: 4,
      ports: await freeNodePorts(4),
      sites: sites.map((s, i) => ({
        publicKey: Buffer.from(keys[i]!).toString('hex'),
        country: 756,
        city: 'locode:CHGVA',
        siteId: s.siteId,
        kpis: [21101],
      })),
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
    cluster = await startCluster(layout);
    const config = parsePlatformConfig({
      dataDir: join(dir, 'platform'),
      genesis: layout.genesisPath,
      chain: { endpoints: cluster.rpc, insecure: true, deadlineMs: 2_000 },
      encryptionKeys: [{ path: join(dir, 'scp.key'), passphraseFile: layout.passphraseFile }],
      progressMs: 0,
      retry: { baseMs: 100, maxMs: 1_000 },
    });
    platform = await runPlatform(config, { genesis: loadGenesis(layout.genesisPath), passphrase });
  }, 120_000);

  it('commits every reading collected while the chain was down, once', async () => {
    const c = cluster!;
    const config = (i: number) =>
      liveSiteConfig({
        name: sites[i]!.name,
        dataDir: join(dir, sites[i]!.name),
        keystorePath: join(dir, `${sites[i]!.name}.key`),
        passphraseFile: c.layout.passphraseFile,
        siteId: sites[i]!.siteId,
        endpoints: c.rpc,
        genesisPath: c.layout.genesisPath,
        feedPath: feeds[i]!.path,
        periodMs: PERIOD_MS,
      });
    const quiet = {
      log: silentLogger,
      print: () => undefined,
      anchor: siteAnchorOf({ genesis: c.layout.genesisPath }),
    };
    for (const s of sites) feeds.push(new Feed(join(dir, `${s.name}.jsonl`), PERIOD_MS));
    for (const f of feeds) f.start();
    const steady = await runSite(config(0), quiet);
    const first = await runSite(config(1), quiet);
    await until(
      'both sites committing',
      () => steady.status().committed >= 2 && first.status().committed >= 2,
    );

    // Every node goes down; the sites keep collecting and sealing into their outboxes.
    await c.stop();
    const downAt = Date.now();
    const atDown = steady.status();
    const sealedBefore = first.status().sealed;
    await until('records sealed offline', () => first.status().sealed >= sealedBefore + 2);
    await first.stop();
    const waiting = first.status().outboxDepth;
    expect(waiting).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'restarted', 'outbox')).filter((f) => f.endsWith('.json'))).toHaveLength(
      waiting,
    );
    // Started again with the chain still down: it reopens its outbox and goes on sealing.
    const second = await runSite(config(1), quiet);
    await until('restarted site sealing offline', () => second.status().sealed >= 1);
    expect(second.status().outboxDepth).toBeGreaterThan(waiting);

    // The outage itself is the point of the test: a fixed 12 s, measured.
    while (Date.now() - downAt < OUTAGE_MS)
      await new Promise((r) => setTimeout(r, downAt + OUTAGE_MS - Date.now() + 1));
    const down = Date.now() - downAt;
    const atUp = steady.status();
    expect(down).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(atUp.committed).toBe(atDown.committed);
    expect(atUp.collected - atDown.collected).toBeGreaterThanOrEqual(OUTAGE_MS / PERIOD_MS - 5);
    expect(atUp.sealed - atDown.sealed).toBeGreaterThanOrEqual(OUTAGE_MS / PERIOD_MS - 7);
    await Promise.all(c.layout.nodes.map((_, i) => c.restart(i)));

    // The backlog commits while the sensors go on; then they stop and the sites drain.
    await until('backlog committed', () => steady.status().committed >= atUp.sealed);
    for (const f of feeds) f.stop();
    const [a, b] = feeds as [Feed, Feed];
    const drained = (s: SiteRunStatus) => s.outboxDepth === 0 && s.spooledPeriods === 0;
    await until('all sealed and committed', () => {
      const s = steady.status();
      const s2 = second.status();
      return (
        drained(s) &&
        s.sealed === a.values.length &&
        drained(s2) &&
        first.status().sealed + s2.sealed === b.values.length
      );
    });
    await Promise.all([steady.stop(), second.stop()]);
    for (const s of [steady.status(), first.status(), second.status()]) {
      expect(s.dropped).toEqual({});
      expect(s.rejected).toBe(0);
    }
    expect(steady.status().committed).toBe(a.values.length);
    expect(first.status().committed + second.status().committed).toBe(b.values.length);

    // The platform's view: one decrypted record per reading, by value, nothing twice.
    // Its own connection: the sites' channels to this node may still be in gRPC's reconnect backoff.
    const client = new BkdmsClient({
      address: c.rpc[0]!,
      tls: { insecure: true },
      channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
    });
    try {
      await platform!.waitForHeight((await client.getStatus()).height);
    } finally {
      client.close();
    }
    const bySite = new Map<string, number[]>();
    const codes = new Set<string>();
    for await (const p of platform!.packets()) {
      expect(p.outcome.ok, p.meta.tracingCode).toBe(true);
      if (!p.outcome.ok) continue;
      codes.add(p.meta.tracingCode);
      const values = bySite.get(p.meta.siteKeyId) ?? [];
      bySite.set(p.meta.siteKeyId, [...values, ...p.outcome.record.entries.map((e) => e.value)]);
    }
    const mine = (i: number) =>
      (bySite.get(Buffer.from(keyIdOf(keys[i]!)).toString('hex')) ?? []).sort((x, y) => x - y);
    expect(mine(0)).toEqual(a.values);
    expect(mine(1)).toEqual(b.values);
    expect(codes.size).toBe(a.values.length + b.values.length);
    expect(platform!.counters.failures).toEqual({});
  }, 120_000);
});
