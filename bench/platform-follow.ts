// Extraction end to end: the platform's Extractor following a genuine certified chain (certificate
// check, body against txRoot, hash log, ledger execution with the nodes' contracts, open + verify
// of every upload with the digest signatures on a VerifyPool as `platform run` has them, Table
// 10-3 records, one SQL transaction per block) from an in-memory source, in
// envelopes per second, on PGlite on disk and on a throw-away PostgreSQL server when installed.
// The same blocks are also timed phase by phase (certificate check, execution, opening) on the
// main thread, so the store's share is what end to end leaves over. Compare with the n = 1
// committed/s of bench/cluster: extraction keeps up when it extracts faster than one node commits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCertifiedBlock } from '../api/verify.js';
import { blockEnvelopeLocations } from '../codec/block-view.js';
import { certifiedBlockBlockBytes, decodeCertifiedBlock } from '../codec/certificate.js';
import { envelopePacket } from '../codec/envelope-view.js';
import { tracingCode } from '../crypto/hash.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import { startPgServer } from '../devnet/pg-server.js';
import { Contracts } from '../ledger/contracts.js';
import { genesisState } from '../ledger/genesis.js';
import type { ChainSource } from '../platform/chain-source.js';
import { Extractor } from '../platform/extractor.js';
import { PacketOpener } from '../platform/packet-opener.js';
import { openStore } from '../platform/sql-open.js';
import { makeStorageRecord } from '../platform/storage-record.js';
import type { PlatformStore } from '../platform/store.js';
import { type BenchChain, benchChain } from './platform-chain.js';
import { benchMeta } from './platform-fixture.js';

export interface FollowRates {
  envelopesPerSecond: number;
  msPerBlock: number;
  /**
   * Wall time inside PlatformStore.commit over the total. The extractor writes block N while it
   * prepares N+1, so this counts overlapped time: a share of the total only without the pipeline.
   */
  storeShare: number;
}

export interface PhaseRates {
  /** Envelopes per second of each phase alone (main thread). */
  verify: number;
  execute: number;
  open: number;
}

function source(chain: BenchChain): ChainSource {
  return {
    async *blocks(from) {
      for (const b of chain.blocks) if (b.height >= from) yield b;
    },
    getBlock: async (h) => chain.blocks[h - 1]!.certifiedBlock,
    trace: async () => {
      throw new Error('no trace in the benchmark');
    },
  };
}

/** Follows the whole chain into `store`; envelopes per second. */
export async function follow(chain: BenchChain, store: PlatformStore): Promise<FollowRates> {
  // Signatures on worker threads, as `platform run` verifies them.
  const signatures = new VerifyPool();
  try {
    return await followWith(chain, store, signatures);
  } finally {
    await signatures.close();
  }
}

async function followWith(
  chain: BenchChain,
  store: PlatformStore,
  signatures: VerifyPool,
): Promise<FollowRates> {
  const opener = new PacketOpener([chain.scp]);
  const ex = await Extractor.open(store, chain.genesis, opener, 'bkdms://bench', signatures);
  let decrypted = 0;
  let storeMs = 0;
  const commit = store.commit.bind(store);
  store.commit = async (batch) => {
    const t = performance.now();
    await commit(batch);
    storeMs += performance.now() - t;
  };
  const t0 = performance.now();
  await ex.follow(source(chain), undefined, (s) => {
    decrypted += s.decrypted;
  });
  const ms = performance.now() - t0;
  if (decrypted !== chain.envelopes) throw new Error(`extracted ${decrypted} of ${chain.envelopes} uploads`);
  return {
    envelopesPerSecond: (chain.envelopes / ms) * 1000,
    msPerBlock: ms / chain.blocks.length,
    storeShare: storeMs / ms,
  };
}

/** Each CPU phase alone over the same blocks. */
export function phases(chain: BenchChain): PhaseRates {
  const rate = (ms: number) => (chain.envelopes / ms) * 1000;
  const trust = { chainId: chain.genesis.chainId, validators: () => chain.genesis.validators };
  let t = performance.now();
  for (const b of chain.blocks) verifyCertifiedBlock(b.certifiedBlock, b.height, trust);
  const verify = rate(performance.now() - t);
  const decoded = chain.blocks.map((b) => decodeCertifiedBlock(b.certifiedBlock).block);
  const ledger = new Contracts(genesisState(chain.genesis).state, chain.genesis.chainId);
  t = performance.now();
  for (const block of decoded) ledger.applyBlock(block);
  const execute = rate(performance.now() - t);
  const opener = new PacketOpener([chain.scp]);
  t = performance.now();
  for (const b of chain.blocks) {
    const body = certifiedBlockBlockBytes(b.certifiedBlock);
    blockEnvelopeLocations(body).forEach((loc, index) => {
      const env = body.subarray(loc.offset, loc.offset + loc.length);
      const meta = benchMeta(env, b.height, index);
      if (!opener.open(env, meta, chain.site).outcome.ok) throw new Error('bench upload does not open');
      makeStorageRecord({
        data: { height: b.height, index, ...loc },
        block: { segment: 0, offset: 0, length: b.certifiedBlock.length },
        cityData: envelopePacket(env),
        chainUrl: 'bkdms://bench',
        tracingCode: tracingCode(env),
      });
    });
  }
  const open = rate(performance.now() - t);
  return { verify, execute, open };
}

/** End to end on each back end given, after the phases. */
export async function runFollowBench(opts: {
  blocks: number;
  perBlock: number;
  server: boolean;
}): Promise<{ phases: PhaseRates; pglite: FollowRates; postgres?: FollowRates }> {
  const chain = await benchChain(opts.blocks, opts.perBlock);
  const ph = phases(chain);
  const dir = mkdtempSync(join(tmpdir(), 'bkdms-bench-follow-'));
  let pglite: FollowRates;
  try {
    const store = await openStore({ dataDir: dir });
    try {
      pglite = await follow(chain, store);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!opts.server) return { phases: ph, pglite };
  const server = await startPgServer();
  try {
    const store = await openStore({ dataDir: '', store: { url: server.url } });
    try {
      return { phases: ph, pglite, postgres: await follow(chain, store) };
    } finally {
      await store.close();
    }
  } finally {
    await server.stop();
  }
}
