// Writes sealed block-log segments into an archive folder (archive-format.ts), oldest first. Only a
// segment that is not the one being appended to, and whose blocks all lie below `below` and at or
// below the indexed tip, is copied: such a segment never changes again, so a running node (its
// pruner) can copy it while it commits. The archive stays contiguous from block 1, the only way
// it can be checked from genesis alone: a segment that would leave a hole (its blocks' predecessors
// were pruned without being archived, or the store was installed from a snapshot) is refused.
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeBlockHeader } from '../../codec/block.js';
import { blockHeaderBytes } from '../../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../../codec/certificate.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { sha256 } from '../../crypto/hash.js';
import { writeAtomic } from '../../runtime/fs-atomic.js';
import {
  ARCHIVE_FORMAT,
  type ArchivedChange,
  type ArchivedSegment,
  ArchiveError,
  ArchiveErrorCode,
  listArchive,
  manifestFileName,
  parseManifest,
  type SegmentManifest,
  segmentFileName,
  segmentFrames,
} from './archive-format.js';
import { BlockLog } from './block-log.js';
import { Bucket, key, MetaKey, metaKey, readU64, u64 } from './buckets.js';
import type { Db } from './db.js';
import { headerHash } from './facts.js';
import { LevelDb } from './level-db.js';
import { readValidatorChange } from './validator-change.js';

/** What the writer reads: an open store (the pruner) or a stopped node's index and log (the CLI). */
export interface ArchiveSource {
  readonly db: Db;
  readonly log: BlockLog;
}

export interface ArchiveOptions {
  /** Archive only segments whose every block is below this height. */
  below: number;
  /** Stop after writing this many segments (the pruner writes one per step). */
  maxSegments?: number;
  /** A line per segment written (the CLI prints them on stderr). */
  progress?: (line: string) => void;
}

export interface ArchiveRun {
  written: ArchivedSegment[];
  /** The highest height the archive holds after the run (0: empty). */
  top: number;
}

/** Copies every sealed segment below `o.below` not yet archived; see the module comment. */
export async function archiveSegments(
  src: ArchiveSource,
  dir: string,
  o: ArchiveOptions,
): Promise<ArchiveRun> {
  mkdirSync(dir, { recursive: true });
  const [chainIdBytes, tipBytes] = await src.db.getMany([metaKey(MetaKey.ChainId), metaKey(MetaKey.Tip)]);
  if (chainIdBytes === undefined)
    throw new ArchiveError(ArchiveErrorCode.Malformed, 'the store holds no chain (no chain ID)');
  const chainId = toHex(chainIdBytes);
  const tip = tipBytes === undefined ? 0 : readU64(tipBytes);
  const have = listArchive(dir);
  const last = have.at(-1);
  if (last !== undefined) {
    const m = parseManifest(await readFile(join(dir, manifestFileName(last.file)), 'utf8'), last.file);
    if (m.chainId !== chainId)
      throw new ArchiveError(
        ArchiveErrorCode.Malformed,
        `${dir} archives chain ${m.chainId}, this store holds chain ${chainId}`,
      );
  }
  let top = last?.lastHeight ?? 0;
  const written: ArchivedSegment[] = [];
  const segs = src.log.segments();
  for (let i = 0; i + 1 < segs.length; i++) {
    if (o.maxSegments !== undefined && written.length >= o.maxSegments) break;
    const next = src.log.firstHeight(segs[i + 1]!);
    // A torn first frame of the next segment (a crash mid-append) is no boundary.
    if (next === undefined || next > o.below || next > tip) break;
    const first = src.log.firstHeight(segs[i]!);
    if (first === undefined) continue;
    const lastHeight = next - 1;
    if (lastHeight <= top) continue;
    if (first <= top)
      throw new ArchiveError(
        ArchiveErrorCode.Gap,
        `segment ${segs[i]} (blocks ${first}..${lastHeight}) overlaps the archive, which ends at ${top}`,
        { height: first },
      );
    if (first !== top + 1)
      throw new ArchiveError(
        ArchiveErrorCode.Gap,
        `the archive ends at height ${top} but the next segment to archive starts at ${first}: ` +
          `blocks ${top + 1}..${first - 1} are not in this block log (pruned without an archive, or ` +
          'below a state-sync base); an archive is contiguous from block 1 so that it verifies from genesis',
        { height: top + 1 },
      );
    const seg = await writeSegment(src, dir, segs[i]!, { chainId, first, last: lastHeight });
    written.push(seg);
    top = lastHeight;
    o.progress?.(`archived blocks ${first}..${lastHeight} as ${seg.file}`);
  }
  return { written, top };
}

/**
 * `bkdms node archive`: archives a STOPPED node's data folder. Opening its index takes LevelDB's
 * lock, which a running node holds: then this refuses (a running node archives through its
 * pruner, `retain.archiveDir`), as `bkdms backup create` does.
 */
export async function archiveDataDir(dataDir: string, dir: string, o: ArchiveOptions): Promise<ArchiveRun> {
  if (!existsSync(join(dataDir, 'index')) || !existsSync(join(dataDir, 'blocks')))
    throw new ArchiveError(
      ArchiveErrorCode.Malformed,
      `${dataDir} is not a node data folder (no index/ or blocks/)`,
    );
  let db: LevelDb;
  try {
    db = await LevelDb.open(join(dataDir, 'index'));
  } catch (err) {
    throw new ArchiveError(
      ArchiveErrorCode.Locked,
      `cannot open ${dataDir}/index (is the node running? stop it, or let its pruner archive with retain.archiveDir): ${(err as Error).message}`,
    );
  }
  try {
    const log = await BlockLog.open(join(dataDir, 'blocks'));
    try {
      return await archiveSegments({ db, log }, dir, o);
    } finally {
      await log.close();
    }
  } finally {
    await db.close();
  }
}

async function writeSegment(
  src: ArchiveSource,
  dir: string,
  segment: number,
  r: { chainId: string; first: number; last: number },
): Promise<ArchivedSegment> {
  const bytes = src.log.readAt(segment, 0, src.log.segmentBytesOnDisk(segment));
  const what = `block-log segment ${segment}`;
  const blockHashes: string[] = [];
  const validatorChanges: ArchivedChange[] = [];
  let prevSet = await setHashAt(src.db, r.first - 1);
  let expected = r.first;
  for (const f of segmentFrames(bytes, what)) {
    if (f.height !== expected)
      throw new ArchiveError(
        ArchiveErrorCode.Mismatch,
        `${what}: height ${f.height} where ${expected} was expected`,
        {
          height: f.height,
        },
      );
    const header = blockHeaderBytes(certifiedBlockBlockBytes(f.payload));
    blockHashes.push(toHex(headerHash(header)));
    const set = decodeBlockHeader(header).validatorSetHash;
    // A header naming another set than its parent starts a change: keep the proof of it.
    if (prevSet !== undefined && !bytesEqual(set, prevSet)) {
      const kept = await readValidatorChange(src.db, f.height);
      if (kept !== undefined)
        validatorChanges.push({
          activation: f.height,
          header: toHex(kept.header),
          certificate: toHex(kept.certificate),
          bucket: toHex(kept.bucket),
        });
    }
    prevSet = set;
    expected++;
  }
  if (expected !== r.last + 1)
    throw new ArchiveError(ArchiveErrorCode.Mismatch, `${what}: ends at ${expected - 1}, not ${r.last}`, {
      height: expected - 1,
    });
  const file = segmentFileName(r.first, r.last);
  const manifest: SegmentManifest = {
    format: ARCHIVE_FORMAT,
    chainId: r.chainId,
    file,
    firstHeight: r.first,
    lastHeight: r.last,
    bytes: bytes.length,
    sha256: toHex(sha256(bytes)),
    blockHashes,
    validatorChanges,
  };
  await writeAtomic(join(dir, file), [bytes]);
  await writeAtomic(join(dir, manifestFileName(file)), [
    Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`),
  ]);
  return { firstHeight: r.first, lastHeight: r.last, file };
}

async function setHashAt(db: Db, h: number): Promise<Uint8Array | undefined> {
  if (h < 1) return undefined;
  const header = await db.get(key(Bucket.Header, u64(h)));
  return header === undefined ? undefined : decodeBlockHeader(header).validatorSetHash;
}
