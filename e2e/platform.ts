// The smart city platform of an e2e run (manifest field `platform`): `bkdms platform run` as its
// own process following the cluster from height 0 through every node's RPC port (the next is
// tried when one fails), decrypting with the run's SCP key; its progress lines say which height
// it has stored. At the check it is stopped once it holds the tip and its database is read for
// the platform invariant (e2e/platform-check.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { verifyCertifiedBlock } from '../api/verify.js';
import { blockEnvelopeLocations } from '../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../codec/certificate.js';
import { envelopeKind } from '../codec/envelope-view.js';
import { decodeStorageRecord } from '../codec/storage-record.js';
import { EnvelopeKind } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { tracingCode } from '../crypto/hash.js';
import { writeKeystore } from '../crypto/keystore.js';
import { clusterPassphrase } from '../devnet/layout.js';
import { cliEntry } from '../devnet/processes.js';
import { openStore } from '../platform/sql-open.js';
import type { E2ECluster } from './cluster.js';
import type { ChainUpload, StoredUpload } from './platform-check.js';

export class E2EPlatform {
  /** The last height the platform said it has stored; −1 before its first progress line. */
  height = -1;
  private child: ChildProcess | undefined;
  private exited: Promise<string> = Promise.resolve('not started');
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly dir: string,
    readonly configPath: string,
  ) {}

  /** Writes the platform's folder under `dir`: the SCP keystore and the config. */
  static async setup(c: E2ECluster, dir: string): Promise<E2EPlatform> {
    const keyPath = join(dir, 'scp.key');
    await writeKeystore(
      keyPath,
      { crv: 'X25519', publicKey: c.scp.publicKey, privateKey: c.scp.privateKey },
      clusterPassphrase(c.layout.dir),
    );
    const config = {
      dataDir: join(dir, 'db'),
      genesis: c.layout.genesisPath,
      chain: {
        endpoints: c.layout.nodes.map((x) => `127.0.0.1:${x.ports.rpc}`),
        insecure: true,
        deadlineMs: 5_000,
      },
      encryptionKeys: [{ path: keyPath, passphraseFile: c.layout.passphraseFile }],
      progressMs: 200,
      retry: { baseMs: 200, maxMs: 2_000 },
    };
    const configPath = join(dir, 'platform.json');
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
    return new E2EPlatform(dir, configPath);
  }

  get dataDir(): string {
    return join(this.dir, 'db');
  }

  /** Starts `bkdms platform run`; its stderr (the log) goes to platform.log in the run folder. */
  start(): void {
    const child = spawn(process.execPath, [cliEntry, 'platform', 'run', '--config', this.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr.pipe(createWriteStream(join(this.dir, 'platform.log'), { flags: 'a' }));
    this.exited = new Promise((r) => child.on('exit', (code, signal) => r(String(signal ?? code))));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^platform: height (\d+),/.exec(line);
      if (!m) return;
      this.height = Number(m[1]);
      for (const w of this.waiters) w();
    });
  }

  /** Whether the platform reported `height` within `ms`; false too when it exited first. */
  reach(height: number, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (this.height >= height) done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(check);
      void this.exited.then(() => done(this.height >= height));
      check();
    });
  }

  /** SIGTERM, a clean stop; resolves with how it ended ('0' when cleanly). */
  async stop(): Promise<string> {
    const c = this.child;
    if (c !== undefined && c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    return this.exited;
  }

  /** Every packet in the (stopped) platform's database, in chain order. */
  async stored(): Promise<StoredUpload[]> {
    const store = await openStore({ dataDir: this.dataDir });
    try {
      const out: StoredUpload[] = [];
      for await (const p of store.packets()) {
        const r = decodeStorageRecord(p.storage);
        out.push({
          tracingCode: p.meta.tracingCode,
          height: p.meta.height,
          index: p.meta.index,
          data: { ...r.data },
          ...(p.outcome.ok ? {} : { failure: `${p.outcome.reason} ${p.outcome.detail}`.trim() }),
        });
      }
      return out;
    } finally {
      await store.close();
    }
  }
}

/** The KPI uploads of node i's blocks 1..tip, each block verified against the genesis first. */
export async function chainUploads(c: E2ECluster, i: number, tip: number): Promise<ChainUpload[]> {
  const trust = c.trust();
  const out: ChainUpload[] = [];
  for (let h = 1; h <= tip; h++) {
    const bytes = await c.client(i).getBlock(h, { deadlineMs: 15_000 });
    // The certificate checked against the genesis; the places are read from the same bytes.
    verifyCertifiedBlock(bytes, h, trust);
    const body = certifiedBlockBlockBytes(bytes);
    blockEnvelopeLocations(body).forEach((loc, index) => {
      const env = body.subarray(loc.offset, loc.offset + loc.length);
      if (envelopeKind(env) !== EnvelopeKind.KpiUpload) return;
      out.push({
        tracingCode: toHex(tracingCode(env)),
        height: h,
        index,
        offset: loc.offset,
        length: loc.length,
      });
    });
  }
  return out;
}
