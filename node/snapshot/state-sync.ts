// State sync: a new or far-behind node takes the contract state at a snapshot height from its
// peers instead of replaying every block (docs/storage.md, State sync). In order:
// 1. LIST every peer; pick the highest snapshot above `minHeight` whose certifying header
//    (height + 1) the anchor can verify, by the hash most peers offer.
// 2. Fetch and verify header height + 1 (header-anchor.ts), the manifest (its hash must be the one
//    offered, its chunk hashes must lead to the header's state root) and header `height` (it must
//    hash to the manifest's blockHash: the tip block sync continues from), and the block-hash log's
//    frontier over blocks 0..height (it must fold to header height + 1's hashLogRoot).
// 3. Fetch the chunks from every peer offering the snapshot, `parallel` at a time, each capped at
//    its manifest length before it is buffered. A chunk that fails its hash is fetched from another
//    peer and its sender reported (`penalize`) and not asked again; a peer that merely fails
//    (timeout, busy) is tried again later. Each verified chunk is saved (sync-progress.ts).
// 4. Rebuild the state and check its root.
// An interrupted sync resumes from the saved chunks when its snapshot is still offered, and
// otherwise starts over cleanly with the newest one.

import { blockHeaderHashInput } from '../../codec/signing.js';
import {
  decodeSnapshotManifest,
  SNAPSHOT_MANIFEST_BYTES,
  type SnapshotManifest,
} from '../../codec/snapshot.js';
import {
  CERTIFIED_HEADER_PARTS,
  decodeHashLogFrontier,
  decodeParts,
  decodeSnapshotList,
  encodeSnapshotRequest,
  MAX_CERTIFIED_HEADER_BYTES,
  MAX_HASH_LOG_FRONTIER_BYTES,
  MAX_SNAPSHOT_LIST_BYTES,
  SnapshotRequestKind,
} from '../../codec/snapshot-messages.js';
import type { Hash32 } from '../../codec/types.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { sha256 } from '../../crypto/hash.js';
import { frontierSubtrees, LogFrontier } from '../../crypto/hash-log.js';
import { rebuildState, snapshotHash, verifyChunk, verifyManifest } from '../../ledger/snapshot.js';
import type { ContractState } from '../../ledger/state.js';
import { failpoint } from '../../runtime/failpoints.js';
import type { Logger } from '../../runtime/log.js';
import { SnapshotError, SnapshotErrorCode } from './errors.js';
import type { AskPeer, HeaderAnchor, VerifiedSnapshotHeader } from './header-anchor.js';
import type { SyncProgress } from './sync-progress.js';

export interface StateSyncDeps {
  chainId: Hash32;
  peers: () => string[];
  ask: AskPeer;
  anchor: HeaderAnchor;
  progress: SyncProgress;
  /** A peer sent bytes that fail verification: report it (peer score, log, metrics). */
  penalize: (peer: string, reason: string) => void;
  log: Logger;
  /** Chunks in flight at once. */
  parallel?: number;
  /** Only snapshots above this height are worth taking (a far-behind node's tip). */
  minHeight?: number;
}

export interface SyncedState {
  manifest: SnapshotManifest;
  state: ContractState;
  /** Header `height` (the new tip) and its commit certificate. */
  tipHeader: Uint8Array;
  tipCertificate: Uint8Array;
  /**
   * The block-hash log's frontier over blocks 0..height (largest subtree first), checked against
   * the certifying header's hashLogRoot: what the store installed at `height` extends.
   */
  hashLogFrontier: Hash32[];
  /** The verified header height + 1, whose state root the state has. */
  certifying: VerifiedSnapshotHeader;
  /** Chunks fetched by this run (the rest came from saved progress). */
  fetched: number;
}

interface Offer {
  height: number;
  hash: Hash32;
  peers: string[];
}

export class StateSync {
  private readonly banned = new Set<string>();

  constructor(private readonly d: StateSyncDeps) {}

  async run(): Promise<SyncedState> {
    const offers = await this.offers();
    const saved = await this.d.progress.load();
    const resumable =
      saved && offers.find((o) => o.height === saved.manifest.height && bytesEqual(o.hash, saved.hash));
    // Saved progress goes only when peers answered and none offers it any more: a round in which
    // no peer answered yet (none connected so soon after a restart) says nothing about it.
    if (saved !== undefined && resumable === undefined && offers.length > 0) {
      this.d.log.info(
        { height: saved.manifest.height },
        'state sync: saved snapshot no longer offered, starting over',
      );
      await this.d.progress.clear();
    }
    const candidates =
      resumable !== undefined ? [resumable, ...offers.filter((o) => o !== resumable)] : offers;
    for (const offer of candidates) {
      try {
        return await this.syncOffer(offer, resumable === offer ? saved?.chunks : undefined);
      } catch (err) {
        if (!(err instanceof SnapshotError) || err.code === SnapshotErrorCode.Io) throw err;
        this.d.log.warn({ err, height: offer.height }, 'state sync: snapshot failed, trying the next');
      }
    }
    throw new SnapshotError(SnapshotErrorCode.NoPeers, 'no peer offers a snapshot that verifies', {
      offers: offers.length,
    });
  }

  /**
   * Height of the newest snapshot a peer offers above minHeight whose certifying header verifies
   * (a bare claim of a height is not enough: a lying peer could claim any), or undefined when none
   * does. Fetches no manifest or chunk.
   */
  async newestVerified(): Promise<number | undefined> {
    for (const offer of await this.offers()) {
      try {
        const [h, c] = await this.header(offer, offer.height + 1);
        await this.d.anchor.verify(offer.height + 1, h, c, this.good(offer), this.d.ask);
        return offer.height;
      } catch (err) {
        if (!(err instanceof SnapshotError) || err.code === SnapshotErrorCode.Io) throw err;
      }
    }
    return undefined;
  }

  /** Offers above minHeight the anchor can verify, highest first, most-offered hash first. */
  private async offers(): Promise<Offer[]> {
    const list = encodeSnapshotRequest({ kind: SnapshotRequestKind.List });
    const byKey = new Map<string, Offer>();
    await Promise.all(
      this.d.peers().map(async (peer) => {
        try {
          for (const o of decodeSnapshotList(await this.d.ask(peer, list, MAX_SNAPSHOT_LIST_BYTES))) {
            if (o.height <= (this.d.minHeight ?? 0) || !this.d.anchor.usable(o.height + 1)) continue;
            const key = `${o.height}:${toHex(o.hash)}`;
            const have = byKey.get(key) ?? { height: o.height, hash: o.hash, peers: [] };
            have.peers.push(peer);
            byKey.set(key, have);
          }
        } catch (err) {
          this.d.log.debug({ err, peer }, 'state sync: no snapshot list');
        }
      }),
    );
    return [...byKey.values()].sort((a, b) => b.height - a.height || b.peers.length - a.peers.length);
  }

  private good(offer: Offer): string[] {
    return offer.peers.filter((p) => !this.banned.has(p));
  }

  /** Reported once per sync: chunks already in flight from it may fail too. */
  private penalize(peer: string, reason: string): void {
    if (this.banned.has(peer)) return;
    this.banned.add(peer);
    this.d.penalize(peer, reason);
  }

  /** Asks the offer's peers in turn until `use` accepts an answer. */
  private async fromAny<T>(
    offer: Offer,
    request: Uint8Array,
    maxBytes: number,
    use: (b: Uint8Array, peer: string) => T,
  ): Promise<T> {
    for (const peer of this.good(offer)) {
      let bytes: Uint8Array;
      try {
        bytes = await this.d.ask(peer, request, maxBytes);
      } catch {
        continue;
      }
      try {
        return use(bytes, peer);
      } catch (err) {
        this.penalize(peer, (err as Error).message);
      }
    }
    throw new SnapshotError(SnapshotErrorCode.NoPeers, `no peer answered for snapshot ${offer.height}`, {
      height: offer.height,
    });
  }

  private async header(offer: Offer, height: number): Promise<[Uint8Array, Uint8Array]> {
    const q = encodeSnapshotRequest({ kind: SnapshotRequestKind.Header, height });
    return this.fromAny(offer, q, MAX_CERTIFIED_HEADER_BYTES, (b) => {
      const [h, c] = decodeParts(b, CERTIFIED_HEADER_PARTS, 'certifiedHeader');
      return [h as Uint8Array, c as Uint8Array];
    });
  }

  private async syncOffer(
    offer: Offer,
    savedChunks?: Map<number, [string, Uint8Array][]>,
  ): Promise<SyncedState> {
    const { height } = offer;
    const [h1, c1] = await this.header(offer, height + 1);
    const certifying = await this.d.anchor.verify(height + 1, h1, c1, this.good(offer), this.d.ask);
    const mq = encodeSnapshotRequest({ kind: SnapshotRequestKind.Manifest, height });
    const [manifest, manifestBytes] = await this.fromAny(offer, mq, SNAPSHOT_MANIFEST_BYTES, (b) => {
      if (!bytesEqual(snapshotHash(b), offer.hash)) throw new Error('manifest is not the one offered');
      const m = decodeSnapshotManifest(b);
      verifyManifest(m, { chainId: this.d.chainId, stateRoot: certifying.header.stateRoot });
      if (m.height !== height || !bytesEqual(m.blockHash, certifying.header.parentHash))
        throw new Error('manifest height or block hash differs from the certified header');
      return [m, b] as const;
    });
    const [tipHeader, tipCertificate] = await this.header(offer, height);
    if (!bytesEqual(sha256(blockHeaderHashInput(tipHeader)), manifest.blockHash))
      throw new SnapshotError(
        SnapshotErrorCode.Unverified,
        `header ${height} does not hash to the certified parent`,
      );
    const hq = encodeSnapshotRequest({ kind: SnapshotRequestKind.HashLog, height });
    const hashLogFrontier = await this.fromAny(offer, hq, MAX_HASH_LOG_FRONTIER_BYTES, (b) => {
      const hashes = decodeHashLogFrontier(b);
      if (
        hashes.length !== frontierSubtrees(height + 1).length ||
        !bytesEqual(LogFrontier.of(height + 1, hashes).root(), certifying.header.hashLogRoot)
      )
        throw new Error('block-hash log frontier does not lead to the certified root');
      return hashes;
    });
    if (savedChunks === undefined) await this.d.progress.begin(manifestBytes);
    const parts = new Map(savedChunks ?? []);
    const fetched = await this.fetchChunks(offer, manifest, parts);
    const state = rebuildState(
      manifest,
      manifest.chunks.map((_, i) => parts.get(i) as [string, Uint8Array][]),
    );
    this.d.log.info({ height, fetched, resumed: parts.size - fetched }, 'state sync: state rebuilt');
    return { manifest, state, tipHeader, tipCertificate, hashLogFrontier, certifying, fetched };
  }

  private async save(index: number, bytes: Uint8Array): Promise<void> {
    try {
      await this.d.progress.saveChunk(index, bytes);
    } catch (err) {
      throw new SnapshotError(SnapshotErrorCode.Io, `saving chunk ${index}: ${String(err)}`, { index });
    }
    failpoint('statesync-after-chunk');
  }

  private async fetchChunks(
    offer: Offer,
    m: SnapshotManifest,
    parts: Map<number, [string, Uint8Array][]>,
  ): Promise<number> {
    const todo = m.chunks.map((_, i) => i).filter((i) => !parts.has(i));
    let fetched = 0;
    let turn = 0;
    // One worker's failure stops the others from taking new chunks.
    let failed = false;
    const worker = async (): Promise<void> => {
      for (let index = todo.shift(); index !== undefined && !failed; index = todo.shift()) {
        const ref = m.chunks[index] as { length: number };
        const q = encodeSnapshotRequest({ kind: SnapshotRequestKind.Chunk, height: m.height, index });
        // Every good peer gets up to two tries for this chunk, starting at a different peer per chunk.
        let done = false;
        for (let attempt = 0; !done && attempt < 2 * offer.peers.length; attempt++) {
          const good = this.good(offer);
          if (good.length === 0) break;
          const peer = good[turn++ % good.length] as string;
          let bytes: Uint8Array;
          try {
            bytes = await this.d.ask(peer, q, ref.length);
          } catch {
            continue;
          }
          let entries: [string, Uint8Array][];
          try {
            entries = verifyChunk(m, index, bytes);
          } catch (err) {
            this.penalize(peer, `chunk ${index}: ${(err as Error).message}`);
            continue;
          }
          await this.save(index, bytes);
          parts.set(index, entries);
          fetched++;
          done = true;
        }
        if (!done) {
          failed = true;
          throw new SnapshotError(
            SnapshotErrorCode.NoPeers,
            `no peer served chunk ${index} of snapshot ${m.height}`,
            {
              height: m.height,
              index,
            },
          );
        }
      }
    };
    const n = Math.max(1, Math.min(this.d.parallel ?? 8, todo.length));
    // Every worker settles before the outcome is known: no fetch or save outlives this call.
    const settled = await Promise.allSettled(Array.from({ length: n }, worker));
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    return fetched;
  }
}
