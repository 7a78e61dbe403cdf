// A sampling site against a real node through a chain outage and its own restart (Y.4907 §8.1,
// durable outbox): the chain goes down while the site collects and seals; the site is stopped with
// work pending and started again; when the chain is back every record commits exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { type RunningCluster, startCluster } from '../../cli/cluster/cluster.js';
import { clusterPassphrase, prepareCluster } from '../../cli/cluster/layout.js';
import { freeNodePorts } from '../../cli/cluster/ports.js';
import { generateKeystore } from '../../cli/keys.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { envelopeSignerKeyId } from '../../codec/envelope-view.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { runSite } from '../../site/run.js';
import type { SiteHandle } from '../../site/runtime.js';
import { loadSampleManifest, sampleSiteConfig } from '../../site/samples/sample-sites.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-outage-'));
let cluster: RunningCluster | undefined;

afterAll(async () => {
  await cluster?.stop();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

/** Resolves when `pred(site.status())` holds; the site exposes counters, not events, so we watch them. */
function until(
  site: SiteHandle,
  pred: (s: ReturnType<SiteHandle['status']>) => boolean,
  ms = 120_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const t = setInterval(() => {
      if (pred(site.status())) {
        clearInterval(t);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(t);
        reject(new Error(`site status never matched: ${JSON.stringify(site.status())}`));
      }
    }, 50);
  });
}

describe('site through a chain outage', () => {
  let siteKey: Awaited<ReturnType<typeof generateKeystore>>;
  const manifest = loadSampleManifest();
  const sample = manifest.sites[0]!;

  beforeAll(async () => {
    const passphrase = clusterPassphrase(dir);
    siteKey = await generateKeystore(join(dir, 'site.key'), 'ed25519', passphrase);
    const scp = await generateKeystore(join(dir, 'scp.key'), 'x25519', passphrase);
    const now = Date.now();
    const layout = await prepareCluster({
      dir,
      n: 1,
      ports: await freeNodePorts(1),
      sites: [
        {
          publicKey: Buffer.from(siteKey.publicKey).toString('hex'),
          country: sample.identity.country,
          city: sample.identity.city,
          siteId: sample.identity.siteId,
          kpis: sample.kpiCodes,
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
    cluster = await startCluster(layout);
  }, 120_000);

  it('loses nothing and commits nothing twice', async () => {
    const c = cluster!;
    const config = (exitWhenDrained: boolean) => ({
      ...sampleSiteConfig(
        sample,
        {
          dataDir: join(dir, 'site'),
          keystorePath: join(dir, 'site.key'),
          passphraseFile: join(dir, 'passphrase'),
          endpoints: c.rpc,
          insecure: true,
          exitWhenDrained,
        },
        manifest,
      ),
      progressMs: 0,
      upload: {
        maxBatch: 8,
        receiptPollMs: 100,
        maxReceiptsPerStep: 64,
        backoff: { baseMs: 50, maxMs: 500, jitter: 0.5 },
      },
    });
    const quiet = { log: () => undefined, print: () => undefined };
    // First run: let part of the data commit, then take the chain away while the site works on.
    const first = await runSite(config(false), quiet);
    await until(first, (s) => s.committed >= 1);
    await c.stop();
    await until(first, (s) => s.sealed === sample.expected.records && s.retries >= 3);
    expect(first.status().committed).toBeLessThan(sample.expected.records);
    await first.stop();
    // The chain comes back; the site restarts from its durable outbox and drains it.
    await c.restart(0);
    const second = await runSite(config(true), quiet);
    await second.done;
    expect(second.status().outboxDepth).toBe(0);

    const client = new BkdmsClient({ address: c.rpc[0]!, tls: { insecure: true } });
    try {
      const mine = Buffer.from(keyIdOf(siteKey.publicKey)).toString('hex');
      const tip = (await client.getStatus()).height;
      let committed = 0;
      for (let h = 1; h <= tip; h++) {
        const block = decodeCertifiedBlock(await client.getBlock(h)).block;
        for (const e of block.envelopes)
          if (Buffer.from(envelopeSignerKeyId(e)).toString('hex') === mine) committed++;
      }
      expect(committed).toBe(sample.expected.records);
    } finally {
      client.close();
    }
  }, 300_000);
});
