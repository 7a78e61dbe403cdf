// The smart city platform end to end on a real 4-node chain (Y.4907 §8.3), with real sites
// (site/ runtime, live sources) and the platform as its own process (`bkdms platform run`):
// permission administration (a revoked site, a rotated site key), the rotation of the platform's
// own encryption key, the extractor killed with SIGKILL mid-stream, and `bkdms platform audit`
// finding a tampered record and a re-encrypted packet. The cases share one cluster and run in order.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { siteAnchorOf } from '../../cli/trust-anchor.js';
import { blockEnvelopeLocations } from '../../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../../codec/certificate.js';
import { envelopeAadView, envelopeKind } from '../../codec/envelope-view.js';
import { decodeKpiRecord, encodeKpiRecord } from '../../codec/kpi-record.js';
import { decodeSealedPacket, encodeSealedPacket } from '../../codec/sealed-packet.js';
import { decodeStorageRecord, encodeStorageRecord } from '../../codec/storage-record.js';
import { EnvelopeKind, SealAlgorithm } from '../../codec/types.js';
import { tracingCode } from '../../crypto/hash.js';
import { ed25519Of, type RawOkpKey, x25519Of } from '../../crypto/key-formats.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { openPacket } from '../../crypto/open.js';
import { sealKpiRecord } from '../../crypto/seal.js';
import { type RunningCluster, startCluster } from '../../devnet/cluster.js';
import { clusterPassphrase, prepareCluster } from '../../devnet/layout.js';
import { freeNodePorts } from '../../devnet/ports.js';
import { cliEntry } from '../../devnet/processes.js';
import { loadGenesis } from '../../node/genesis.js';
import {
  type Admin,
  makeStorageRecord,
  openAdmin,
  openStore,
  type PlatformConfig,
  type PlatformStore,
  parsePlatformConfig,
  type StoredPacket,
} from '../../platform/index.js';
import { insertPackets } from '../../platform/store-write.js';
import { loggerFrom, silentLogger } from '../../runtime/log.js';
import { readEntryFile } from '../../site/outbox-entry.js';
import { runSite } from '../../site/run.js';
import type { SiteHandle } from '../../site/runtime.js';
import { loadSampleManifest, sampleSiteConfig } from '../../site/samples/sample-sites.js';
import type { SiteRunStatus } from '../../site/status.js';
import { Feed, liveSiteConfig, until } from '../support/live-site.js';

const PERIOD_MS = 1_000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'bkdms-platform-e2e-'));
const manifest = loadSampleManifest();
const backlog = manifest.sites[0]!;
const LIVE = { revoked: '2001:db8:756::21', rotated: '2001:db8:756::22', steady: '2001:db8:756::23' };
type LiveName = keyof typeof LIVE;

let cluster: RunningCluster;
let client: BkdmsClient;
let admin: { admin: Admin; close(): void };
let platform: PlatformProcess;
const keys: Record<string, RawOkpKey> = {};
const live = {} as Record<LiveName, { feed: Feed; site: SiteHandle; logs: LogLine[] }>;

/** `bkdms platform run` as a child process, followed through its progress lines on stdout. */
class PlatformProcess {
  height = -1;
  private child: ChildProcess | undefined;
  private exited: Promise<string> = Promise.resolve('');
  private readonly waiters = new Set<() => void>();

  constructor(private readonly configPath: string) {}

  async start(): Promise<void> {
    this.height = -1;
    const child = spawn(process.execPath, [cliEntry, 'platform', 'run', '--config', this.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr.pipe(createWriteStream(join(dir, 'platform.log'), { flags: 'a' }));
    this.exited = new Promise((r) => child.on('exit', (code, signal) => r(String(signal ?? code))));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^platform: height (\d+),/.exec(line);
      if (!m) return;
      this.height = Number(m[1]);
      for (const w of this.waiters) w();
    });
    await this.reach(0);
  }

  /** Resolves once the platform reports it has stored `height`; rejects if it exits first. */
  reach(height: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.height < height) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      void this.exited.then((how) => {
        this.waiters.delete(check);
        reject(new Error(`platform exited (${how}) at height ${this.height}, before ${height}`));
      });
      check();
    });
  }

  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves with how it ended. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<string> {
    this.child?.kill(signal);
    return this.exited;
  }
}

interface LogLine {
  level: string;
  msg: string;
  meta: Record<string, unknown>;
}

const drained = (s: SiteRunStatus): boolean => s.outboxDepth === 0 && s.spooledPeriods === 0;

function platformConfig(encryptionKeys: string[]): PlatformConfig {
  const passphraseFile = cluster.layout.passphraseFile;
  const obj = {
    dataDir: join(dir, 'platform'),
    genesis: cluster.layout.genesisPath,
    chain: { endpoints: cluster.rpc, insecure: true, deadlineMs: 5_000 },
    encryptionKeys: encryptionKeys.map((k) => ({ path: join(dir, `${k}.key`), passphraseFile })),
    admin: { path: cluster.layout.adminKeystore, passphraseFile },
    progressMs: 25,
    retry: { baseMs: 100, maxMs: 1_000 },
  };
  writeFileSync(join(dir, 'platform.json'), JSON.stringify(obj, null, 2));
  return parsePlatformConfig(obj);
}

async function startLive(name: LiveName, key: string = name, endpoints = cluster.rpc): Promise<SiteHandle> {
  const logs = live[name]?.logs ?? [];
  const feed = live[name]?.feed ?? new Feed(join(dir, `${name}.jsonl`), PERIOD_MS);
  const log = loggerFrom((level, msg, meta = {}) => void logs.push({ level, msg, meta }));
  const config = liveSiteConfig({
    name,
    dataDir: join(dir, name),
    keystorePath: join(dir, `${key}.key`),
    passphraseFile: cluster.layout.passphraseFile,
    siteId: LIVE[name],
    endpoints,
    genesisPath: cluster.layout.genesisPath,
    feedPath: join(dir, `${name}.jsonl`),
    periodMs: PERIOD_MS,
  });
  // The genesis file is all the site trusts: chain ID and validators come from it, never a node.
  const site = await runSite(config, { log, print: () => undefined, anchor: siteAnchorOf(config.chain) });
  live[name] = { feed, site, logs };
  return site;
}

/** Stops a live site's sensor, waits until everything it collected is committed or refused, stops it. */
async function drain(name: LiveName): Promise<SiteRunStatus> {
  const { feed, site } = live[name];
  feed.stop();
  await until(`${name} drained`, () => drained(site.status()));
  await site.stop();
  return site.status();
}

/** Stops the platform once it has stored the chain's tip and reads its database (the caller restarts it). */
async function inspect<T>(read: (packets: StoredPacket[], store: PlatformStore) => Promise<T>): Promise<T> {
  await platform.reach((await client.getStatus()).height);
  expect(await platform.stop()).toBe('0');
  const store = await openStore({ dataDir: join(dir, 'platform') });
  try {
    const packets: StoredPacket[] = [];
    for await (const p of store.packets()) packets.push(p);
    return await read(packets, store);
  } finally {
    await store.close();
  }
}

const bySigner = (packets: StoredPacket[], key: RawOkpKey) =>
  packets.filter((p) => p.meta.siteKeyId === hex(keyIdOf(key.publicKey)));
const okValues = (packets: StoredPacket[]): number[] =>
  packets.flatMap((p) => (p.outcome.ok ? p.outcome.record.entries.map((e) => e.value) : []));
const sorted = (v: number[]): number[] => [...v].sort((a, b) => a - b);
const scpKeyIdOf = (p: StoredPacket): string =>
  hex(decodeSealedPacket(decodeStorageRecord(p.storage).cityData).scpKeyId);

// Timeouts: each start of `platform run` (and each open of its database here) starts an embedded
// PostgreSQL (PGlite), seconds each and tens of seconds for the first one on a loaded machine.
beforeAll(async () => {
  const passphrase = clusterPassphrase(dir);
  for (const k of ['revoked', 'rotated', 'rotated-new', 'steady', 'backlog'])
    keys[k] = await generateKeystore(join(dir, `${k}.key`), 'ed25519', passphrase);
  for (const k of ['scp-old', 'scp-new'])
    keys[k] = await generateKeystore(join(dir, `${k}.key`), 'x25519', passphrase);
  const now = Date.now();
  const site = (key: string, siteId: string) => ({
    publicKey: hex(keys[key]!.publicKey),
    country: 756,
    city: 'locode:CHGVA',
    siteId,
    kpis: [21101],
  });
  const layout = await prepareCluster({
    dir,
    n: 4,
    ports: await freeNodePorts(4),
    sites: [
      ...Object.entries(LIVE).map(([name, siteId]) => site(name, siteId)),
      site('backlog', backlog.identity.siteId),
    ],
    scpKeys: [
      {
        publicKey: hex(keys['scp-old']!.publicKey),
        notBefore: new Date(now - 3600_000).toISOString(),
        notAfter: new Date(now + 3600_000).toISOString(),
      },
    ],
    // Small blocks, so that a burst of uploads is a stream of blocks for the extractor.
    params: { periodMs: 200, viewTimeoutMs: 1500, maxBlockEnvelopes: 4 },
    tickMs: 20,
    logSpec: 'warn',
  });
  cluster = await startCluster(layout);
  client = new BkdmsClient({
    address: cluster.rpc[0]!,
    tls: { insecure: true },
    // Its own connection, never one the sites' clients left in gRPC's reconnect backoff.
    channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
  });
  admin = await openAdmin(platformConfig(['scp-old']), loadGenesis(layout.genesisPath), {
    receiptPollMs: 100,
  });
  platform = new PlatformProcess(join(dir, 'platform.json'));
  await platform.start();
  for (const name of Object.keys(LIVE) as LiveName[]) {
    await startLive(name);
    live[name].feed.start();
  }
}, 240_000);

afterAll(async () => {
  for (const l of Object.values(live)) {
    l.feed.stop();
    await l.site.stop();
  }
  await platform?.stop('SIGKILL');
  admin?.close();
  client?.close();
  await cluster?.stop();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('platform end to end on a 4-node chain', () => {
  it('refuses a revoked site with its reason, and a site with a rotated key keeps committing', async () => {
    const { revoked, rotated } = live;
    await until(
      'sites committing',
      () => revoked.site.status().committed >= 2 && rotated.site.status().committed >= 2,
    );

    const revokedAt = await admin.admin.revokeSite(hex(keyIdOf(keys.revoked!.publicKey)));
    await until('uploads refused', () => revoked.site.status().rejected >= 2);
    const r = await drain('revoked');
    expect(r.sealed).toBe(r.committed + r.rejected);
    const refusals = revoked.logs.filter((l) => l.msg === 'chain rejected envelope');
    expect(refusals).toHaveLength(r.rejected);
    for (const l of refusals) {
      expect(l.meta.reason).toBe('UNAUTHORIZED');
      expect(l.meta.message).toMatch(/SiteRevoked/);
    }
    const refusedDir = join(dir, 'revoked', 'outbox', 'rejected');
    const refusedValues = readdirSync(refusedDir).flatMap((f) =>
      decodeKpiRecord(readEntryFile(join(refusedDir, f))!.record!).entries.map((e) => e.value),
    );
    expect(refusedValues).toHaveLength(r.rejected);

    // The key is rotated while the site is cut off from the chain (it seals with the old key
    // meanwhile); the operator then restarts it with its new keystore.
    await rotated.site.stop();
    const offline = await startLive('rotated', 'rotated', ['127.0.0.1:1']);
    await until('sealed offline with the old key', () => offline.status().sealed >= 2);
    await offline.stop();
    const sealedOffline = offline.status().sealed;
    const rotatedAt = await admin.admin.rotateSiteKey(
      hex(keyIdOf(keys.rotated!.publicKey)),
      keys['rotated-new']!.publicKey,
    );
    const renewed = await startLive('rotated', 'rotated-new');
    await until('sealing with the new key', () => renewed.status().sealed >= 3);
    const k = await drain('rotated');
    expect(k.rejected).toBe(0);
    // What the old key signed offline was refused as KeyRotated and sealed again with the new key.
    expect(k.remade).toBeGreaterThanOrEqual(sealedOffline);

    await inspect(async (packets) => {
      // Every reading of the revoked site is either committed and decrypted up to the revocation,
      // or refused by the chain with its reason and kept in rejected/. One that was already in a
      // node's mempool is also committed after the revocation without effect (recorded as
      // SITE_NOT_ACTIVE); the site sends it again (a refusal at execution is not final) and
      // admission refuses it: it is in rejected/ too, under its sequence number.
      const mine = bySigner(packets, keys.revoked!);
      const ok = mine.filter((p) => p.outcome.ok);
      const late = mine.filter((p) => !p.outcome.ok);
      const refusedSeqs = readdirSync(refusedDir).map((f) => Number.parseInt(f, 10));
      for (const p of ok) expect(p.meta.height).toBeLessThanOrEqual(revokedAt.height);
      for (const p of late) {
        expect(p.outcome).toMatchObject({ ok: false, reason: 'SITE_NOT_ACTIVE' });
        expect(p.meta.height).toBeGreaterThanOrEqual(revokedAt.height);
        expect(refusedSeqs).toContain(p.meta.seq);
      }
      expect(ok.length + refusedValues.length).toBe(revoked.feed.values.length);
      const seen = [...okValues(ok), ...refusedValues];
      expect(new Set(seen).size).toBe(seen.length);
      expect(revoked.feed.values).toEqual(expect.arrayContaining(seen));
      // The rotated site: every reading exactly once, verified under the key current when it committed.
      const old = bySigner(packets, keys.rotated!);
      const fresh = bySigner(packets, keys['rotated-new']!);
      for (const p of old) {
        expect(p.outcome).toMatchObject({ ok: true, sitePublicKey: hex(keys.rotated!.publicKey) });
        expect(p.meta.height).toBeLessThanOrEqual(rotatedAt.height);
      }
      for (const p of fresh)
        expect(p.outcome).toMatchObject({ ok: true, sitePublicKey: hex(keys['rotated-new']!.publicKey) });
      expect(fresh.length).toBeGreaterThanOrEqual(3);
      expect(sorted(okValues([...old, ...fresh]))).toEqual(rotated.feed.values);
    });
    await platform.start();
  }, 180_000);

  it('rotates the platform encryption key: sites move to the new key, the platform opens both', async () => {
    const { steady } = live;
    const [oldId, newId] = ['scp-old', 'scp-new'].map((k) => hex(keyIdOf(keys[k]!.publicKey)));
    await until('steady site committing', () => steady.site.status().committed >= 2);
    // The documented order (docs/platform.md §4): the platform gets the new keystore first (keeping
    // the old one), then the key goes into the chain's directory, and the old one is retired last.
    expect(await platform.stop()).toBe('0');
    platformConfig(['scp-old', 'scp-new']);
    await platform.start();
    const now = Date.now();
    await admin.admin.addScpKey(keys['scp-new']!.publicKey, now - 1_000, now + 3600_000);
    // Sites read the directory with a state proof, which is one block behind the tip: wait (the
    // steady site keeps committing blocks) until the new key is provable, as a site will read it.
    const g = loadGenesis(cluster.layout.genesisPath);
    const provable = async () =>
      (
        await client
          .getScpKeysVerified({ chainId: g.chainId, validators: g.validators })
          .catch(() => undefined)
      )?.keys.some((k) => hex(k.keyId) === newId) === true;
    for (const deadline = Date.now() + 60_000; !(await provable()); ) {
      if (Date.now() > deadline) throw new Error('the new SCP key never became provable');
      await new Promise((r) => setTimeout(r, 200));
    }
    // A running site re-reads the directory every minute; restarted, it reads it at once.
    await steady.site.stop();
    const split = steady.site.status().nextSeq;
    const renewed = await startLive('steady');
    // Counted by sequence number, not by commits: the outbox it reopened may still hold envelopes
    // sealed for the old key, and their commits say nothing about the new one.
    const sealedSince = (seq: number) => (s: SiteRunStatus) => s.nextSeq >= seq && s.outboxDepth === 0;
    await until('two envelopes sealed for the new key, committed', () =>
      sealedSince(split + 2)(renewed.status()),
    );
    const retired = await admin.admin.retireScpKey(oldId!);
    expect((await client.getScpKeys()).keys.map((k) => hex(k.keyId))).toEqual([newId]);
    // Sealed after the retirement committed, so committed in a later block.
    const atRetirement = Math.max(renewed.status().nextSeq, split + 2);
    await until('two more after the retirement, committed', () =>
      sealedSince(Math.max(atRetirement + 2, split + 4))(renewed.status()),
    );

    await inspect(async (packets) => {
      const mine = bySigner(packets, keys.steady!);
      for (const p of mine) expect(p.outcome, p.meta.tracingCode).toMatchObject({ ok: true });
      const sealedFor = (seqs: (seq: number) => boolean) =>
        mine.filter((p) => seqs(p.meta.seq)).map(scpKeyIdOf);
      expect(sealedFor((seq) => seq < split)).toContain(oldId);
      const after = sealedFor((seq) => seq >= split);
      expect(after.length).toBeGreaterThanOrEqual(4);
      expect(new Set(after)).toEqual(new Set([newId]));
      expect(mine.some((p) => p.meta.height > retired.height)).toBe(true);
    });
    await platform.start();
  }, 120_000);

  it('resumes after SIGKILL mid-stream with exactly one record per committed envelope', async () => {
    // A burst of blocks: the shipped sample backlog (48 records) uploads while the steady site goes on.
    const burst = await runSite(
      {
        ...sampleSiteConfig(
          backlog,
          {
            dataDir: join(dir, 'backlog'),
            keystorePath: join(dir, 'backlog.key'),
            passphraseFile: cluster.layout.passphraseFile,
            endpoints: cluster.rpc,
            insecure: true,
            exitWhenDrained: true,
            genesisPath: cluster.layout.genesisPath,
          },
          manifest,
        ),
        progressMs: 0,
        upload: {
          maxBatch: 4,
          receiptPollMs: 200,
          maxReceiptsPerStep: 64,
          backoff: { baseMs: 100, maxMs: 1_000, jitter: 0.5 },
        },
      },
      {
        log: silentLogger,
        print: () => undefined,
        anchor: siteAnchorOf({ genesis: cluster.layout.genesisPath }),
      },
    );
    await until('burst committing', () => burst.status().committed >= 4);
    await platform.reach(platform.height + 1);
    expect(await platform.stop('SIGKILL')).toBe('SIGKILL');
    expect(burst.status().committed).toBeLessThan(backlog.expected.records);
    // The rest of the burst commits while the platform is down; it restarts behind the chain and
    // is killed again at once, while catching up.
    await burst.done;
    // Configured with only the genesis file and the node addresses: every record left the outbox on
    // a verified receipt (inclusion proof + the block's 2f+1 certificate, validators followed by
    // the light client), and no node's answer was refused.
    expect(burst.status()).toMatchObject({
      committed: backlog.expected.records,
      outboxDepth: 0,
      unverified: {},
      lastUnverified: '',
    });
    const light = JSON.parse(readFileSync(join(dir, 'backlog', 'light-client.json'), 'utf8'));
    expect(light.provenAt).toBeGreaterThan(1);
    await platform.start();
    expect(await platform.stop('SIGKILL')).toBe('SIGKILL');
    await platform.start();
    await drain('steady');

    await inspect(async (packets, store) => {
      const cp = (await store.checkpoint())!;
      const expected: { height: number; index: number; tc: string; data: object; block: object }[] = [];
      let chainOffset = 0;
      for (let h = 1; h <= cp.height; h++) {
        const bytes = await client.getBlock(h);
        const body = certifiedBlockBlockBytes(bytes);
        blockEnvelopeLocations(body).forEach((loc, index) => {
          const env = body.subarray(loc.offset, loc.offset + loc.length);
          if (envelopeKind(env) !== EnvelopeKind.KpiUpload) return;
          expected.push({
            height: h,
            index,
            tc: hex(tracingCode(env)),
            data: { height: h, index, offset: loc.offset, length: loc.length },
            block: { segment: 0, offset: chainOffset, length: bytes.length },
          });
        });
        chainOffset += bytes.length;
      }
      expect(cp.chainOffset).toBe(chainOffset);
      expect(packets.map((p) => [p.meta.height, p.meta.index, p.meta.tracingCode])).toEqual(
        expected.map((e) => [e.height, e.index, e.tc]),
      );
      packets.forEach((p, i) => {
        const r = decodeStorageRecord(p.storage);
        expect({ data: r.data, block: r.block }).toEqual({
          data: expected[i]!.data,
          block: expected[i]!.block,
        });
      });
      // Every packet is found by its tracing code.
      for (const p of packets) expect(await store.packet(p.meta.tracingCode)).toEqual(p);
      expect(bySigner(packets, keys.backlog!).filter((p) => p.outcome.ok)).toHaveLength(
        backlog.expected.records,
      );
    });
  }, 180_000);

  it('audit finds a tampered record and a re-encrypted packet, and nothing else', async () => {
    // The platform is stopped (previous case); an attacker with write access to its database edits it.
    const store = await openStore({ dataDir: join(dir, 'platform') });
    let edited: StoredPacket;
    let planted: StoredPacket;
    try {
      const packets: StoredPacket[] = [];
      for await (const p of store.packets()) packets.push(p);
      // 1. A Table 10-3 record edited in place: its data recorder moved by one byte.
      edited = bySigner(packets, keys.backlog!)[5]!;
      const rec = decodeStorageRecord(edited.storage);
      await put(store, {
        ...edited,
        storage: encodeStorageRecord({ ...rec, data: { ...rec.data, offset: rec.data.offset + 1 } }),
      });
      // 2. A re-encrypted packet: another value, validly sealed for the platform's current key and
      //    signed with the site's own key, with a recomputed check code and stored values to match.
      planted = bySigner(packets, keys.steady!)
        .filter((p) => scpKeyIdOf(p) === hex(keyIdOf(keys['scp-new']!.publicKey)))
        .at(-1)!;
      const body = certifiedBlockBlockBytes(await client.getBlock(planted.meta.height));
      const loc = blockEnvelopeLocations(body)[planted.meta.index]!;
      const aad = envelopeAadView(body.subarray(loc.offset, loc.offset + loc.length));
      if (!planted.outcome.ok) throw new Error('expected a decrypted packet');
      const values = planted.outcome.record;
      const forged = { ...values, entries: values.entries.map((e) => ({ ...e, value: e.value + 100 })) };
      const record = encodeKpiRecord({
        ...forged,
        siteId: Buffer.from(forged.siteId, 'hex'),
        extension: new Uint8Array(0),
      });
      const scp = x25519Of(keys['scp-new']!);
      const packet = sealKpiRecord(ed25519Of(keys.steady!), record, aad, {
        alg: SealAlgorithm.EphemeralX25519,
        scpPublicKey: scp.publicKey,
      });
      const opened = openPacket(packet, aad, keys.steady!.publicKey, {
        scpKey: () => scp,
        session: () => undefined,
      });
      if (!opened.ok) throw new Error(`the planted packet does not open: ${opened.failure}`);
      expect(decodeKpiRecord(opened.record).entries).toEqual(forged.entries);
      const { checkCode: _, ...fields } = decodeStorageRecord(planted.storage);
      await put(store, {
        ...planted,
        storage: makeStorageRecord({ ...fields, cityData: encodeSealedPacket(packet) }),
        outcome: { ...planted.outcome, seal: 'ephemeral', record: forged },
      });
    } finally {
      await store.close();
    }

    const { code, stdout } = await cli(['platform', 'audit', '--config', join(dir, 'platform.json')]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/, 2 findings -> MISMATCH/);
    const line = (p: StoredPacket, problem: string) =>
      `  ${p.meta.height}/${p.meta.index} ${p.meta.tracingCode.slice(0, 16)} ${problem}`;
    const findings = stdout
      .split('\n')
      .filter((l) => /^ {2}\d+\/\d+ /.test(l))
      .map((l) => l.slice(0, l.indexOf(':')));
    // Nothing else: every other record re-verifies, and re-opens, those sealed for the retired key too.
    expect(new Set(findings)).toEqual(
      new Set([line(edited, 'CHECK_CODE_MISMATCH'), line(planted, 'CITY_DATA_MISMATCH')]),
    );
    expect(findings).toHaveLength(2);
  }, 120_000);
});

/** Overwrites one stored packet: its rows replaced as the platform writes them (store-write.ts). */
async function put(store: PlatformStore, p: StoredPacket): Promise<void> {
  await store.db.transaction(async (tx) => {
    await tx.query('DELETE FROM packets WHERE height = $1 AND idx = $2', [p.meta.height, p.meta.index]);
    await insertPackets(tx, [p]);
  });
}

/** Runs the compiled CLI; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliEntry, ...args], (err, stdout) => {
      resolve({ code: err === null ? 0 : Number(err.code), stdout });
    });
  });
}
