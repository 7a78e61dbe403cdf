// runSite from a config file's worth of settings against a node's real gRPC surface (api/server.ts
// over a FakeLedger): keystore, chain client, sample CSV, sealing with a negotiated session, upload
// through a chain that is not ready at first, and every packet opened by the SCP afterwards.

import { appendFileSync, chmodSync, copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../../api/server.js';
import { decodeEnvelope } from '../../../codec/envelope.js';
import { decodeSealedPacket } from '../../../codec/sealed-packet.js';
import { EnvelopeKind, SealAlgorithm } from '../../../codec/types.js';
import { generateEd25519 } from '../../../crypto/ed25519.js';
import { ed25519Raw } from '../../../crypto/key-formats.js';
import { writeKeystore } from '../../../crypto/keystore.js';
import { generateX25519 } from '../../../crypto/x25519.js';
import { loggerFrom } from '../../../runtime/log.js';
import { parseSiteConfig } from '../../../site/config.js';
import { SiteErrorCode } from '../../../site/errors.js';
import { runSite } from '../../../site/run.js';
import { FakeLedger } from './fake-ledger.js';
import { noLog, tempDir } from './helpers.js';

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.stop(0);
  server = undefined;
});

/** A site key in a keystore, an SCP key, a ledger behind a real gRPC server, and the site's config. */
async function rig(csvPath: string) {
  const dir = tempDir();
  const site = generateEd25519();
  const scp = generateX25519();
  await writeKeystore(join(dir, 'site.key'), ed25519Raw(site), 'correct horse', { N: 2 ** 14, r: 8, p: 1 });
  const ledger = new FakeLedger(site.publicKey, scp, [21101]);
  server = await startApiServer(ledger, { listen: '127.0.0.1:0', tls: { insecure: true } });
  const port = server.port;
  const config = parseSiteConfig({
    name: 'geneva-air',
    dataDir: join(dir, 'data'),
    keystore: { path: join(dir, 'site.key') },
    identity: { country: 756, city: 'locode:CHGVA', siteId: '2001:db8:756::a' },
    chain: { endpoints: [`127.0.0.1:${port}`], insecure: true },
    sources: [{ type: 'csv', name: 'station-csv', path: csvPath }],
    closeAfterMs: 0,
    sealEveryMs: 10,
    progressMs: 0,
    upload: {
      maxBatch: 16,
      receiptPollMs: 10,
      maxReceiptsPerStep: 64,
      backoff: { baseMs: 5, maxMs: 40, jitter: 0.5 },
    },
    exitWhenDrained: true,
  });
  const restartServer = async (): Promise<void> => {
    server = await startApiServer(ledger, { listen: `127.0.0.1:${port}`, tls: { insecure: true } });
  };
  return { dir, ledger, config, restartServer };
}

const sampleCsv = join(process.cwd(), 'site/samples/data/geneva-air.csv');

const anchor = { chainId: new Uint8Array(32).fill(9), validators: [new Uint8Array(32).fill(1)] };

describe('runSite', () => {
  it('runs the Geneva air sample against a node: all 48 hourly records committed and opened by the SCP', async () => {
    const { ledger, config } = await rig(sampleCsv);
    ledger.refuseCalls = 3; // the node is still catching up when the site starts uploading
    const handle = await runSite(config, { passphrase: 'correct horse', log: noLog, anchor: ledger.anchor });
    await handle.done;
    const status = handle.status();
    expect(status).toMatchObject({ sealed: 48, committed: 48, rejected: 0, outboxDepth: 0 });
    expect(status.retries).toBeGreaterThan(0);
    expect(ledger.committed.size).toBe(48);
    const records = ledger.openAll(Date.now());
    expect(records.map((r) => r.time)).toEqual(Array.from({ length: 48 }, (_, h) => Date.UTC(2026, 2, 2, h)));
    expect(records.every((r) => r.country === 756 && r.city.code === 'CHGVA')).toBe(true);
    expect(records[0]!.entries.map((e) => e.series)).toEqual([0, 1, 2]);
    const algs = [...ledger.committed.values()].map((env) => {
      const e = decodeEnvelope(env);
      return e.kind === EnvelopeKind.KpiUpload ? decodeSealedPacket(e.packet).alg : 0;
    });
    expect(algs.filter((a) => a === SealAlgorithm.EphemeralX25519)).toHaveLength(1); // the session offer
    expect(algs.filter((a) => a === SealAlgorithm.SessionKey)).toHaveLength(47);
  });

  it('an offer packet a node lost is sent again before any packet of its session: the SCP opens all', async () => {
    const { ledger, config } = await rig(sampleCsv);
    ledger.window = 4;
    ledger.lose.set(1, 1); // seq 1 carries the session offer; its node crashes before gossip
    const handle = await runSite(config, { passphrase: 'correct horse', log: noLog, anchor: ledger.anchor });
    await handle.done;
    expect(handle.status()).toMatchObject({ committed: 48, rejected: 0, remade: 0 });
    const seqs = [...ledger.committed.values()].map((env) => decodeEnvelope(env).seq);
    expect(seqs[0]).toBe(1); // committed first, although sent again after a loss
    expect(ledger.openAll(Date.now())).toHaveLength(48);
  });

  it('a session packet refused as too old after a node lost it is re-made and opened by the SCP', async () => {
    const { ledger, config } = await rig(sampleCsv);
    ledger.window = 4;
    ledger.lose.set(5, Number.POSITIVE_INFINITY); // every node it reaches crashes before gossip
    const logs: { msg: string; meta?: Record<string, unknown> }[] = [];
    const log = loggerFrom((_level, msg, meta) => {
      logs.push({ msg, ...(meta ? { meta } : {}) });
    });
    const handle = await runSite(config, { passphrase: 'correct horse', log, anchor: ledger.anchor });
    await handle.done;
    expect(handle.status()).toMatchObject({ committed: 48, rejected: 0, remade: 1, outboxDepth: 0 });
    const seqs = [...ledger.committed.values()].map((env) => decodeEnvelope(env).seq);
    expect(seqs).not.toContain(5);
    expect(Math.max(...seqs)).toBe(49);
    const records = ledger.openAll(Date.now());
    expect(records.map((r) => r.time).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 48 }, (_, h) => Date.UTC(2026, 2, 2, h)),
    );
    expect(logs.find((l) => l.msg.includes('re-made'))?.meta).toMatchObject({ oldSeq: 5, newSeq: 49 });
  });

  it('restarted while the chain is down, seals from what it last read and uploads once the chain is back', async () => {
    const csv = join(tempDir(), 'air.csv');
    copyFileSync(sampleCsv, csv);
    const { dir, ledger, config, restartServer } = await rig(csv);
    await (await runSite(config, { passphrase: 'correct horse', log: noLog, anchor: ledger.anchor })).done;
    expect(ledger.committed.size).toBe(48);
    expect(existsSync(join(dir, 'data', 'chain.json'))).toBe(true);
    await server!.stop(0);
    // A third day arrives in the file while the chain is unreachable.
    const day3 = Date.UTC(2026, 2, 4);
    const rows = Array.from(
      { length: 6 },
      (_, h) => `${new Date(day3 + h * 3_600_000).toISOString()},EN: EN: AQ: 1C,NO2,${20 + h},µg/m³`,
    );
    appendFileSync(csv, `${rows.join('\n')}\n`);
    const handle = await runSite(config, { passphrase: 'correct horse', log: noLog, anchor: ledger.anchor });
    await expect.poll(() => handle.status().sealed, { timeout: 10_000 }).toBe(6);
    expect(handle.status().committed).toBe(0);
    await expect.poll(() => handle.status().retries, { timeout: 10_000 }).toBeGreaterThan(0);
    await restartServer();
    await handle.done;
    expect(handle.status()).toMatchObject({ collected: 6, committed: 6, outboxDepth: 0 });
    expect(ledger.committed.size).toBe(54);
    expect(
      ledger
        .openAll(Date.now())
        .slice(48)
        .map((r) => r.time),
    ).toEqual(rows.map((_, h) => day3 + h * 3_600_000));
  });

  it('refuses to start without the keystore passphrase', async () => {
    const config = parseSiteConfig({
      name: 's',
      dataDir: 'd',
      keystore: { path: 'k', passphraseEnv: 'BKDMS_TEST_NO_SUCH_VARIABLE' },
      identity: { country: 756, city: 'locode:CHGVA', siteId: '::1' },
      chain: { endpoints: ['127.0.0.1:1'] },
      sources: [{ type: 'http', name: 'push', port: 0 }],
    });
    const opts = { log: noLog, anchor };
    await expect(runSite(config, opts)).rejects.toThrow('BKDMS_TEST_NO_SUCH_VARIABLE');
    await expect(runSite(config, opts)).rejects.toMatchObject({ code: SiteErrorCode.BadConfig });
  });

  it('refuses a passphrase file others can read, as BAD_CONFIG (runtime/passphrase.ts has the rest)', async () => {
    const file = join(tempDir(), 'pass');
    writeFileSync(file, 'open sesame\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    const config = parseSiteConfig({
      name: 's',
      dataDir: 'd',
      keystore: { path: 'k', passphraseFile: file },
      identity: { country: 756, city: 'locode:CHGVA', siteId: '::1' },
      chain: { endpoints: ['127.0.0.1:1'] },
      sources: [{ type: 'http', name: 'push', port: 0 }],
    });
    const refused = runSite(config, { log: noLog, anchor });
    await expect(refused).rejects.toThrow('chmod 600');
    await expect(refused).rejects.toMatchObject({ code: SiteErrorCode.BadConfig });
  });

  it('refuses to start without a trust anchor, naming the option', async () => {
    const config = parseSiteConfig({
      name: 's',
      dataDir: 'd',
      keystore: { path: 'k', passphraseEnv: 'BKDMS_TEST_NO_SUCH_VARIABLE' },
      identity: { country: 756, city: 'locode:CHGVA', siteId: '::1' },
      chain: { endpoints: ['127.0.0.1:1'], chainId: '09'.repeat(32) },
      sources: [{ type: 'http', name: 'push', port: 0 }],
    });
    const refused = runSite(config, { log: noLog });
    await expect(refused).rejects.toThrow('chain.genesis');
    await expect(refused).rejects.toMatchObject({ code: SiteErrorCode.BadConfig });
    // A configured chain ID must be the anchor's.
    const other = { ...anchor, chainId: new Uint8Array(32).fill(8) };
    await expect(runSite(config, { log: noLog, anchor: other })).rejects.toThrow('chain.chainId');
  });
});
