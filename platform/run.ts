// `bkdms platform run --config <file>` lands here. openPlatform builds the parts from the config
// (database, keys, nodes, extractor) and exposes trace/audit/assess over them; runPlatform also
// starts following the chain: blocks from the last processed height, verified before use, from
// one node at a time — a node that fails or serves a block that does not verify is left for the
// next one, with a growing pause, so no single node is trusted or needed. A database failure or a
// state root that disagrees with the platform's own execution stops following (no node can help).

import { pause as pauseUnlessAborted } from '../api/retry.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import type { X25519KeyPair } from '../crypto/x25519.js';
import { formatSiteId } from '../kpi/site-id.js';
import type { LedgerGenesis } from '../ledger/genesis.js';
import { type Logger, silentLogger } from '../runtime/log.js';
import { type ApiServer, startApi } from './api/server.js';
import { type AssessOptions, assess, type QualityReport } from './assess.js';
import { rowsFromPackets } from './assess-input.js';
import { type AuditReport, audit } from './audit.js';
import { type ChainSource, clientSource, nodeClients } from './chain-source.js';
import type { PlatformConfig } from './config.js';
import { addSummary, emptyCounters, type PlatformCounters, progressLine } from './counters.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { type BlockSummary, Extractor } from './extractor.js';
import { failoverSource } from './failover-source.js';
import { unhex } from './hex.js';
import { loadEncryptionKeys } from './keys.js';
import type { StoredPacket } from './outcome.js';
import { PacketOpener } from './packet-opener.js';
import { PrunedSources } from './pruned-sources.js';
import { openStore } from './sql-open.js';
import { defaultChainUrl } from './storage-record.js';
import type { PlatformStore } from './store.js';
import { type TraceEvidence, trace } from './trace.js';

/**
 * Failures another node cannot cure: the database itself, or a verified block whose state root
 * disagrees with the platform's own execution (every node serves the same certified block).
 */
const FATAL = new Map<PlatformErrorCode, string>([
  [PlatformErrorCode.Store, 'platform database failed; stopping'],
  [
    PlatformErrorCode.StateRootMismatch,
    "the chain's state root differs from the platform's execution; stopping",
  ],
]);

export interface PlatformDeps {
  /** The parsed genesis (the CLI loads it with node/genesis's loadGenesis; the ledger starts from it). */
  genesis: LedgerGenesis;
  /** Chain sources to use instead of gRPC clients to config.chain.endpoints (tests, demo). */
  sources?: ChainSource[];
  /** Encryption keys to use instead of the configured keystores. */
  scpKeys?: X25519KeyPair[];
  store?: PlatformStore;
  passphrase?: string;
  /** Where warnings and errors go; nowhere when absent. */
  log?: Logger;
  onBlock?: (s: BlockSummary) => void;
  /** Progress line sink, called every config.progressMs while following (none when absent). */
  print?: (line: string) => void;
}

export interface PlatformHandle {
  readonly counters: PlatformCounters;
  /** The platform database (read-only use: the query API, the demo). */
  readonly store: PlatformStore;
  trace(tracingCodeHex: string): Promise<TraceEvidence>;
  audit(range?: { fromHeight?: number; toHeight?: number }): Promise<AuditReport>;
  assess(opts?: Partial<AssessOptions>): Promise<QualityReport>;
  /** Every stored packet in chain order. */
  packets(): AsyncIterable<StoredPacket>;
  /** Resolves once the extractor has processed `height` (immediately if it has). */
  waitForHeight(height: number): Promise<void>;
  /** Stops following (if running) and closes the database and clients. */
  stop(): Promise<void>;
  /** Settles when following ends: resolves after stop(), rejects on a fatal error (database, state root). */
  readonly done: Promise<void>;
}

/** Opens the platform (database, keys, nodes) without following the chain. */
export async function openPlatform(
  config: PlatformConfig,
  deps: PlatformDeps,
): Promise<PlatformHandle & { follow(): void }> {
  const log = deps.log ?? silentLogger;
  const scpKeys = deps.scpKeys ?? (await loadEncryptionKeys(config.encryptionKeys, deps.passphrase));
  const store = deps.store ?? (await openStore(config));
  const clients = deps.sources ? [] : nodeClients(config.chain);
  const net = {
    sources: deps.sources ?? clients.map(clientSource),
    close: () => {
      for (const c of clients) c.close();
    },
  };
  const opener = new PacketOpener(scpKeys);
  const chainUrl = config.chainUrl ?? defaultChainUrl(deps.genesis.chainId);
  // The uploads' digest signatures, the largest part of opening them, on worker threads: this
  // thread keeps decrypting, executing and (with PGlite) writing the database meanwhile.
  const signatures = new VerifyPool();
  let ex: Extractor;
  try {
    ex = await Extractor.open(store, deps.genesis, opener, chainUrl, signatures);
  } catch (err) {
    await signatures.close();
    throw err;
  }
  const counters = emptyCounters(ex.height);
  const waiters: { height: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
  const abort = new AbortController();
  let following: Promise<void> = Promise.resolve();
  let node = 0;
  let progress: NodeJS.Timeout | undefined;

  const onBlock = (s: BlockSummary) => {
    addSummary(counters, s);
    for (const w of waiters.filter((x) => x.height <= s.height)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
    deps.onBlock?.(s);
  };

  const followLoop = async () => {
    let pause = config.retry.baseMs;
    const pruned = new PrunedSources(net.sources.length);
    while (!abort.signal.aborted) {
      const source = net.sources[node % net.sources.length]!;
      try {
        await ex.follow(source, abort.signal, (s) => {
          pause = config.retry.baseMs;
          pruned.clear();
          onBlock(s);
        });
        if (abort.signal.aborted) return;
      } catch (err) {
        if (abort.signal.aborted) return;
        if (err instanceof PlatformError && FATAL.has(err.code)) {
          log.error({ error: err.message }, FATAL.get(err.code) as string);
          for (const w of waiters.splice(0)) w.reject(err);
          throw err;
        }
        const p = pruned.note(node % net.sources.length, err);
        if (p === undefined)
          log.warn(
            {
              node: node % net.sources.length,
              error: (err as Error).message,
            },
            'chain source failed; trying the next node',
          );
        else if (!pruned.all)
          log.warn(
            {
              event: 'platform.source.pruned',
              node: p.node,
              needed: ex.height + 1,
              earliestHeight: p.earliestHeight,
            },
            `node holds no block ${ex.height + 1} (its earliest is ${p.earliestHeight ?? 'not said'}); trying the next node`,
          );
        else
          log.error(
            { event: 'platform.sources.pruned', needed: ex.height + 1, nodes: pruned.list() },
            `no configured node holds block ${ex.height + 1} (earliest heights: ${pruned
              .list()
              .map((a) => `node ${a.node}: ${a.earliestHeight ?? '?'}`)
              .join(
                ', ',
              )}): add the endpoint of a node that keeps every block body (no retain, not joined by state sync); retrying`,
          );
      }
      node++;
      await pauseUnlessAborted(pause, abort.signal);
      pause = Math.min(pause * 2, config.retry.maxMs);
    }
  };

  const reads = failoverSource(net.sources, () => ex.chain);
  const handle = {
    counters,
    store,
    trace: (tc: string) => trace(tc, { store, chain: reads, ledger: ex.chain }),
    audit: async (range = {}) => {
      const report = await audit({ store, chain: reads, ledger: ex.chain, chainUrl, opener }, range);
      await store.saveAudit(report, Date.now());
      return report;
    },
    assess: async (opts: Partial<AssessOptions> = {}) => {
      const packets: StoredPacket[] = [];
      for await (const p of store.packets()) packets.push(p);
      const { rows, failed } = rowsFromPackets(packets);
      const expected = Object.values(ex.chain.sites()).map((s) => ({
        site: formatSiteId(unhex(s.siteId, 16)),
        city: s.city.code,
        kpis: s.kpiCodes,
      }));
      return assess(rows, {
        periodMs: config.assess.periodMs,
        zThreshold: config.assess.zThreshold,
        expected,
        failed,
        ...opts,
      });
    },
    packets: () => store.packets(),
    waitForHeight: (height: number) =>
      ex.height >= height
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => waiters.push({ height, resolve, reject })),
    follow: () => {
      following = followLoop();
      if (deps.print && config.progressMs > 0) {
        const print = deps.print;
        progress = setInterval(() => print(progressLine(counters)), config.progressMs);
        progress.unref();
      }
    },
    stop: async () => {
      if (progress) clearInterval(progress);
      abort.abort();
      await following.catch(() => {});
      net.close();
      await signatures.close();
      await store.close();
    },
    get done() {
      return following;
    },
  };
  return handle;
}

/** Opens the platform, starts its query API when configured, and starts following the chain. */
export async function runPlatform(
  config: PlatformConfig,
  deps: PlatformDeps,
): Promise<PlatformHandle & { readonly apiUrl?: string }> {
  const p = await openPlatform(config, deps);
  let api: ApiServer | undefined;
  if (config.api)
    try {
      api = await startApi(
        { ...config.api, log: deps.log },
        { store: p.store, assess: (q) => p.assess(q), trace: (tc) => p.trace(tc) },
      );
    } catch (err) {
      await p.stop();
      throw err;
    }
  p.follow();
  const stop = p.stop;
  return Object.assign(p, {
    apiUrl: api?.url,
    stop: async () => {
      await api?.close();
      await stop();
    },
  });
}
