// Crash safety of the platform on the server back end: `bkdms platform run` writing to a
// PostgreSQL server (store.url) is killed with SIGKILL while blocks stream in, restarted behind
// the chain and killed again while catching up; restarted once more it ends with exactly one row
// per committed upload (no gap, no duplicate), each Table 10-3 record where the chain puts its
// envelope, and the cursor's chain offset the sum of the blocks' lengths.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { ReceiptState, UploadStatus } from '../../api/types.js';
import { blockEnvelopeLocations } from '../../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../../codec/certificate.js';
import { envelopeKind } from '../../codec/envelope-view.js';
import { decodeStorageRecord } from '../../codec/storage-record.js';
import { EnvelopeKind } from '../../codec/types.js';
import { tracingCode } from '../../crypto/hash.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { type RunningCluster, startCluster } from '../../devnet/cluster.js';
import { clusterPassphrase, prepareCluster } from '../../devnet/layout.js';
import { PG_START_TIMEOUT_MS, type PgServer, startPgServer } from '../../devnet/pg-server.js';
import { freeNodePorts } from '../../devnet/ports.js';
import { cliEntry } from '../../devnet/processes.js';
import { loadGenesis } from '../../node/genesis.js';
import { openStore, type StoredPacket } from '../../platform/index.js';
import {
  genesisSites,
  type SyntheticSite,
  syntheticEnvelope,
  syntheticSites,
} from '../../testkit/envelopes.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'bkdms-platform-kill-server-'));
/** Uploads per site, sent in small batches while the platform follows. */
const PER_SITE = 60;
const BATCH = 3;

let server: PgServer;
let cluster: RunningCluster;
let client: BkdmsClient;
let platform: PlatformProcess;
let sites: SyntheticSite[];
let scpPublicKey: Uint8Array;

/** `bkdms platform run` as a child process, followed through its progress lines on stdout. */
class PlatformProcess {
  height = -1;
  private exited: Promise<string> = Promise.resolve('');
  private child: ChildProcess | undefined;
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

  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<string> {
    this.child?.kill(signal);
    return this.exited;
  }
}

/** Sends every site's uploads in small batches; resolves with the tracing codes sent. */
async function stream(chainId: Uint8Array): Promise<string[]> {
  const sent: string[] = [];
  for (let seq = 1; seq <= PER_SITE; seq += BATCH) {
    for (const site of sites) {
      const envs: Uint8Array[] = [];
      for (let s = seq; s < seq + BATCH && s <= PER_SITE; s++)
        envs.push(syntheticEnvelope(site, chainId, scpPublicKey, s, Date.now()));
      const results = await client.uploadBatch(envs);
      for (const r of results) {
        expect([UploadStatus.Accepted, UploadStatus.AlreadyPending]).toContain(r.status);
        sent.push(hex(r.tracingCode));
      }
    }
    // Paced so that uploads arrive over many blocks while the platform is killed and restarted.
    await new Promise((r) => setTimeout(r, 50));
  }
  return sent;
}

/** Resolves once every tracing code has a committed receipt (bounded). */
async function allCommitted(codes: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (const code of codes) {
    for (;;) {
      const r = await client.getReceipt(Buffer.from(code, 'hex'));
      if (r.state === ReceiptState.Committed) break;
      if (Date.now() > deadline) throw new Error(`upload ${code} not committed in time`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

beforeAll(async () => {
  server = await startPgServer();
  const passphrase = clusterPassphrase(dir);
  scpPublicKey = (await generateKeystore(join(dir, 'scp.key'), 'x25519', passphrase)).publicKey;
  sites = syntheticSites(2);
  const now = Date.now();
  const layout = await prepareCluster({
    dir,
    n: 1,
    ports: await freeNodePorts(1),
    sites: genesisSites(sites),
    scpKeys: [
      {
        publicKey: hex(scpPublicKey),
        notBefore: new Date(now - 3600_000).toISOString(),
        notAfter: new Date(now + 3600_000).toISOString(),
      },
    ],
    // Small blocks: the uploads are a stream of blocks for the extractor.
    params: { periodMs: 200, viewTimeoutMs: 1500, maxBlockEnvelopes: 4 },
    tickMs: 20,
    logSpec: 'warn',
  });
  cluster = await startCluster(layout);
  client = new BkdmsClient({ address: cluster.rpc[0]!, tls: { insecure: true } });
  writeFileSync(
    join(dir, 'platform.json'),
    JSON.stringify({
      dataDir: join(dir, 'unused-with-store-url'),
      store: { url: server.url },
      genesis: layout.genesisPath,
      chain: { endpoints: cluster.rpc, insecure: true, deadlineMs: 5_000 },
      encryptionKeys: [{ path: join(dir, 'scp.key'), passphraseFile: layout.passphraseFile }],
      progressMs: 25,
      retry: { baseMs: 100, maxMs: 1_000 },
    }),
  );
  platform = new PlatformProcess(join(dir, 'platform.json'));
}, PG_START_TIMEOUT_MS + 120_000);

afterAll(async () => {
  await platform?.stop('SIGKILL');
  client?.close();
  await cluster?.stop();
  await server?.stop();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
}, PG_START_TIMEOUT_MS);

describe('platform on a PostgreSQL server, killed with SIGKILL', () => {
  it('resumes with exactly one row per committed upload after kills mid-stream and mid catch-up', async () => {
    const { chainId } = loadGenesis(cluster.layout.genesisPath);
    await platform.start();
    const sending = stream(chainId);
    // Killed while following the stream: the blocks keep coming while it is down.
    await platform.reach(4);
    expect(await platform.stop('SIGKILL')).toBe('SIGKILL');
    const killedAt = platform.height;
    const sent = await sending;
    expect(sent).toHaveLength(sites.length * PER_SITE);
    await allCommitted(sent);
    const tip = (await client.getStatus()).height;
    expect(tip).toBeGreaterThan(killedAt + 4);
    // Restarted behind the chain and killed again while catching up.
    await platform.start();
    await platform.reach(killedAt + 2);
    expect(await platform.stop('SIGKILL')).toBe('SIGKILL');
    await platform.start();
    await platform.reach(tip);
    expect(await platform.stop()).toBe('0');

    const store = await openStore({ dataDir: '', store: { url: server.url } });
    try {
      const cp = (await store.checkpoint())!;
      expect(cp.height).toBeGreaterThanOrEqual(tip);
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
      const packets: StoredPacket[] = [];
      for await (const p of store.packets()) packets.push(p);
      // No gap, no duplicate: the stored packets are the chain's uploads, in chain order.
      expect(packets.map((p) => [p.meta.height, p.meta.index, p.meta.tracingCode])).toEqual(
        expected.map((e) => [e.height, e.index, e.tc]),
      );
      packets.forEach((p, i) => {
        const r = decodeStorageRecord(p.storage);
        expect({ data: r.data, block: r.block }).toEqual({
          data: expected[i]!.data,
          block: expected[i]!.block,
        });
        expect(p.outcome).toMatchObject({ ok: true });
      });
      expect(new Set(packets.map((p) => p.meta.tracingCode))).toEqual(new Set(sent));
      // Each decrypted upload's values were written once.
      const [values] = await store.db.query<{ n: string }>('SELECT count(*) AS n FROM kpi_values');
      expect(Number(values!.n)).toBe(sent.length * 3);
    } finally {
      await store.close();
    }
  }, 300_000);
});
