// The smart city platform of an e2e run (manifest field `platform`): `bkdms platform run` as its
// own process following the cluster from height 0 through one fault proxy per node's RPC port
// (the next node is tried when one fails), decrypting with the run's SCP key, its database PGlite
// in the run folder or a throw-away PostgreSQL server. Its progress lines say which height it has
// stored; the runner's perturbations kill, stop, pause and restart it and cut, stall or delay its
// links, or restart it armed to die at its crash point. At the check it is stopped once it holds
// the tip and its database is read for the platform invariant (e2e/platform-check.ts).
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
import { type PgServer, startPgServer } from '../devnet/pg-server.js';
import { cliEntry } from '../devnet/processes.js';
import { openStore } from '../platform/sql-open.js';
import type { E2ECluster } from './cluster.js';
import type { RemoteFaultNet } from './fault-remote.js';
import type { ChainUpload, StoredUpload } from './platform-check.js';

/**
 * How long a (re)started platform may take to print its first progress line: a first start makes
 * its database (PGlite's initdb took over 3 minutes at a load average of 32).
 */
export const PLATFORM_START_MS = 300_000;

export type PlatformState = 'down' | 'up' | 'paused';

/** A `testkit.failpoint` line of the platform's log: where it died. */
export interface PlatformCrash {
  name: string;
  pass: number;
  /** The block whose transaction it died in. */
  height: number;
}

export class E2EPlatform {
  /** The last height the platform said it has stored; −1 before its first progress line. */
  height = -1;
  state: PlatformState = 'down';
  /** Every rise of the reported height, with its time (ms since epoch). */
  readonly progress: { at: number; height: number }[] = [];
  /** Ways it ended without the runner asking (outside a crash point). */
  readonly unexpectedExits: string[] = [];
  /** Whether it may end on its own now (armed at a crash point). */
  mayExit = false;
  /** The crash points it logged dying at. */
  readonly crashes: PlatformCrash[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<string> = Promise.resolve('not started');
  private logged: Promise<void> = Promise.resolve();
  private ready: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly dir: string,
    readonly configPath: string,
    /** The fault proxies; its platform links are this platform's way to each node. */
    readonly net: RemoteFaultNet,
    private readonly server: PgServer | undefined,
  ) {}

  /** Writes the platform's folder under `dir` (the SCP keystore, the config); starts its server if any. */
  static async setup(
    c: E2ECluster,
    dir: string,
    store: 'pglite' | 'server' = 'pglite',
  ): Promise<E2EPlatform> {
    const keyPath = join(dir, 'scp.key');
    await writeKeystore(
      keyPath,
      { crv: 'X25519', publicKey: c.scp.publicKey, privateKey: c.scp.privateKey },
      clusterPassphrase(c.layout.dir),
    );
    const server = store === 'server' ? await startPgServer() : undefined;
    const config = {
      dataDir: join(dir, 'db'),
      ...(server === undefined ? {} : { store: { url: server.url } }),
      genesis: c.layout.genesisPath,
      chain: {
        endpoints: c.layout.nodes.map((x) => `127.0.0.1:${c.net.platformPort(x.index)}`),
        insecure: true,
        deadlineMs: 5_000,
      },
      encryptionKeys: [{ path: keyPath, passphraseFile: c.layout.passphraseFile }],
      progressMs: 200,
      retry: { baseMs: 200, maxMs: 2_000 },
    };
    const configPath = join(dir, 'platform.json');
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    return new E2EPlatform(dir, configPath, c.net, server);
  }

  get dataDir(): string {
    return join(this.dir, 'db');
  }

  /**
   * Starts `bkdms platform run` (with `--testkit` when `env` arms a crash point); its stderr (the
   * log) goes to platform.log in the run folder. `waitReady` then waits for its first progress line.
   */
  start(env: Record<string, string> = {}): void {
    const kit = Object.keys(env).length > 0 ? ['--testkit'] : [];
    const child = spawn(
      process.execPath,
      [cliEntry, 'platform', 'run', '--config', this.configPath, ...kit],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
    );
    this.child = child;
    this.state = 'up';
    const log = createWriteStream(join(this.dir, 'platform.log'), { flags: 'a' });
    child.stderr.pipe(log);
    this.logged = new Promise((res) => {
      log.on('finish', res);
      log.on('error', () => res());
    });
    createInterface({ input: child.stderr }).on('line', (line) => this.logLine(line));
    this.exited = new Promise((r) => child.on('exit', (code, signal) => r(String(signal ?? code))));
    void this.exited.then((how) => {
      // Still the current process and not stopped on purpose: it ended on its own.
      if (this.child !== child || this.state === 'down') return;
      this.state = 'down';
      if (!this.mayExit) this.unexpectedExits.push(how);
      for (const w of this.waiters) w();
    });
    let first = true;
    const started = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const m = /^platform: height (\d+),/.exec(line);
        if (!m) return;
        if (first) resolve();
        first = false;
        const h = Number(m[1]);
        if (h > this.height) this.progress.push({ at: Date.now(), height: h });
        this.height = Math.max(this.height, h);
        for (const w of this.waiters) w();
      });
    });
    const exited = this.exited;
    this.ready = (async () => {
      let timer: NodeJS.Timeout | undefined;
      const failed = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`platform printed no progress within ${PLATFORM_START_MS} ms of its start`)),
          PLATFORM_START_MS,
        );
        void exited.then((how) =>
          reject(new Error(`platform ended (${how}) before its first progress line`)),
        );
      });
      try {
        await Promise.race([started, failed]);
      } finally {
        clearTimeout(timer);
      }
    })();
    // Only a caller of waitReady needs the outcome.
    this.ready.catch(() => undefined);
  }

  /** Resolves once the current process printed its first progress line; rejects when it ended first or timed out. */
  waitReady(): Promise<void> {
    return this.ready;
  }

  private logLine(line: string): void {
    if (!line.includes('"testkit.failpoint"')) return;
    try {
      const ev = JSON.parse(line) as { name?: unknown; pass?: unknown; height?: unknown };
      this.crashes.push({ name: String(ev.name), pass: Number(ev.pass), height: Number(ev.height) });
    } catch {
      // Not the failpoint's own line.
    }
  }

  /** The first time it reported `height` or more (ms since epoch); undefined if never. */
  reachedAt(height: number): number | undefined {
    return this.progress.find((p) => p.height >= height)?.at;
  }

  /** Whether the platform reported `height` within `ms`; false too when it ended first. */
  reach(height: number, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (this.height >= height) done(true);
        else if (this.state === 'down') done(false);
      };
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(check);
      check();
    });
  }

  /** SIGKILL (SIGTERM when `graceful`: a clean stop); resolves with how it ended, its log written. */
  async kill(graceful = false): Promise<string> {
    const c = this.child;
    const wasPaused = this.state === 'paused';
    this.state = 'down';
    if (c !== undefined && c.exitCode === null && c.signalCode === null) {
      c.kill(graceful ? 'SIGTERM' : 'SIGKILL');
      // A stopped process acts on SIGTERM only once continued.
      if (wasPaused) c.kill('SIGCONT');
    }
    const how = await this.exited;
    await this.logged;
    return how;
  }

  /** Resolves with how the current process ended (its log written), or 'timeout' after `ms`. */
  async ended(ms: number): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((res) => {
      timer = setTimeout(() => res('timeout'), ms);
    });
    try {
      const how = await Promise.race([this.exited, timeout]);
      if (how !== 'timeout') await this.logged;
      return how;
    } finally {
      clearTimeout(timer);
    }
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
    this.state = 'paused';
  }

  resume(): void {
    this.child?.kill('SIGCONT');
    this.state = 'up';
  }

  /** A clean stop (SIGTERM); resolves with how it ended ('0' when cleanly). */
  stop(): Promise<string> {
    return this.kill(true);
  }

  /** Stops the platform and its database server, if any. */
  async close(): Promise<void> {
    await this.stop();
    await this.server?.stop();
  }

  /** Every packet in the (stopped) platform's database, in chain order. */
  async stored(): Promise<StoredUpload[]> {
    const store = await openStore({
      dataDir: this.dataDir,
      ...(this.server === undefined ? {} : { store: { url: this.server.url } }),
    });
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
