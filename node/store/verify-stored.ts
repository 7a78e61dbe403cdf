// Offline check of a store's indexed chain (after a restore, before the node starts): every header
// from 1 to the indexed tip links to its parent (block 1 to the chain ID), carries the root of the
// block-hash log over the blocks before it, and is named by its certificate; every body still held
// hashes to its header. Certificate signatures need the validator sets in force at each height:
// the node checks those as it syncs and `bkdms verify-chain` against a trust anchor. Blocks past
// the indexed tip (synced but not indexed) are replayed by the node's own recovery at start.
// A store installed from a snapshot at base b (install.ts) holds no header below b: its check
// starts at header b (named by its certificate), with the block-hash log's frontier over blocks
// 0..b as installed, which header b + 1's log root must equal.
import { join } from 'node:path';
import { decodeBlockHeader } from '../../codec/block.js';
import { blockHeaderBytes } from '../../codec/block-view.js';
import { certifiedBlockBlockBytes, decodeCommitCertificate } from '../../codec/certificate.js';
import { bytesEqual } from '../../crypto/bytes.js';
import { LogFrontier } from '../../crypto/hash-log.js';
import { BlockLog } from './block-log.js';
import { Bucket, key, MetaKey, metaKey, readU64, u64 } from './buckets.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { headerHash } from './facts.js';
import { loadFrontier } from './hash-log.js';
import { readBase } from './install.js';
import { LevelDb } from './level-db.js';
import { readPrunedBelow } from './prune.js';
import { decodeLocation } from './values.js';

export interface StoredChainReport {
  chainId: string;
  tip: number;
  earliestHeight: number;
  /** State-sync base (the lowest header held), 0 for a store that holds its chain from genesis. */
  base: number;
  headers: number;
  bodies: number;
}

const bad = (what: string, height: number): StoreError =>
  new StoreError(StoreErrorCode.Inconsistent, `chain check failed at height ${height}: ${what}`, { height });

export async function verifyStoredChain(
  dir: string,
  progress?: (height: number, tip: number) => void,
): Promise<StoredChainReport> {
  const db = await LevelDb.open(join(dir, 'index'));
  const log = await BlockLog.open(join(dir, 'blocks'));
  try {
    const chainId = await db.get(metaKey(MetaKey.ChainId));
    if (chainId === undefined) throw bad('no chain ID in the index', 0);
    const t = await db.get(metaKey(MetaKey.Tip));
    const tip = t === undefined ? 0 : readU64(t);
    const earliest = await readPrunedBelow(db);
    const base = await readBase(db);
    let frontier = LogFrontier.empty();
    frontier.append(chainId);
    let parent: Uint8Array = chainId;
    if (base > 0) {
      if (base > tip) throw bad('state-sync base above the tip', base);
      const [header, cert] = await db.getMany([
        key(Bucket.Header, u64(base)),
        key(Bucket.Certificate, u64(base)),
      ]);
      if (header === undefined || cert === undefined) throw bad('base header or certificate missing', base);
      if (decodeBlockHeader(header).height !== base) throw bad('base header of another height', base);
      parent = headerHash(header);
      if (!bytesEqual(decodeCommitCertificate(cert).blockHash, parent))
        throw bad('certificate names another block', base);
      try {
        frontier = await loadFrontier(db, base + 1);
      } catch {
        throw bad('block-hash log frontier at the base missing', base);
      }
    }
    let bodies = 0;
    for (let h = base + 1; h <= tip; h++) {
      const [header, cert] = await db.getMany([key(Bucket.Header, u64(h)), key(Bucket.Certificate, u64(h))]);
      if (header === undefined || cert === undefined) throw bad('header or certificate missing', h);
      const hd = decodeBlockHeader(header);
      if (hd.height !== h || !bytesEqual(hd.parentHash, parent)) throw bad('parent hash does not link', h);
      if (!bytesEqual(hd.hashLogRoot, frontier.root())) throw bad('block-hash log root differs', h);
      const hash = headerHash(header);
      if (!bytesEqual(decodeCommitCertificate(cert).blockHash, hash))
        throw bad('certificate names another block', h);
      if (h >= earliest) {
        const loc = await db.get(key(Bucket.BlockLocation, u64(h)));
        if (loc === undefined) throw bad('body location missing', h);
        const body = log.read(decodeLocation(loc));
        if (!bytesEqual(headerHash(blockHeaderBytes(certifiedBlockBlockBytes(body))), hash))
          throw bad('block body does not match its header', h);
        bodies++;
      }
      frontier.append(hash);
      parent = hash;
      if (h % 1000 === 0) progress?.(h, tip);
    }
    return {
      chainId: Buffer.from(chainId).toString('hex'),
      tip,
      earliestHeight: earliest,
      base,
      headers: base > 0 ? tip - base + 1 : tip,
      bodies,
    };
  } finally {
    await log.close();
    await db.close();
  }
}

export interface StoreMeta {
  chainId: string;
  tip: number;
  earliestHeight: number;
}

/**
 * Chain ID, indexed tip and earliest body of a store, read by opening its index: this fails while
 * a node has the folder open (LevelDB's lock), which is how a backup knows the node is stopped.
 */
export async function readStoreMeta(dir: string): Promise<StoreMeta> {
  const db = await LevelDb.open(join(dir, 'index'));
  try {
    const [chainId, t] = await db.getMany([metaKey(MetaKey.ChainId), metaKey(MetaKey.Tip)]);
    return {
      chainId: chainId === undefined ? '' : Buffer.from(chainId).toString('hex'),
      tip: t === undefined ? 0 : readU64(t),
      earliestHeight: await readPrunedBelow(db),
    };
  } finally {
    await db.close();
  }
}
