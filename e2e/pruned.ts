// The invariants on nodes that prune (manifest `retain`): a block or envelope below a node's
// earliest height is accepted from that node only as a PRUNED answer naming the archive segment
// that holds it, and is then taken from the node's own archive, which must verify from the genesis
// (node/archive/verify.ts) before anything in it is used; a traced envelope's bundle is built from
// the archive (node/archive/trace.ts) and checked with the same offline verifier as a node's.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { TrustAnchor } from '../api/verify.js';
import { verifyTrace } from '../api/verify.js';
import { blockHeaderBytes } from '../codec/block-view.js';
import { certifiedBlockBlockBytes, decodeCertifiedBlock } from '../codec/certificate.js';
import { toHex } from '../crypto/bytes.js';
import { tracingCode } from '../crypto/hash.js';
import { traceFromArchive } from '../node/archive/trace.js';
import { type ArchiveAnchor, verifyArchive } from '../node/archive/verify.js';
import { archivedSegmentOf, headerHash, listArchive, segmentFrames } from '../node/store/index.js';

/**
 * Whether a node's failed answer for height `h` is an acceptable PRUNED: undefined when it is,
 * else why not. `segment` is the archive file that holds `h` (undefined: the archive does not).
 */
export function judgePruned(err: unknown, h: number, segment: string | undefined): string | undefined {
  if (!(err instanceof ApiError) || err.code !== ApiErrorCode.Pruned)
    return `not a PRUNED answer: ${(err as Error).message}`;
  if (segment === undefined) return `PRUNED at height ${h}, but the node's archive holds no segment with it`;
  if (!err.message.includes(segment))
    return `PRUNED at height ${h} without naming its archive segment ${segment}: ${err.message}`;
  return undefined;
}

export interface ArchivedBlock {
  hash: string;
  stateRoot: string;
  /** Tracing codes (hex) of the block's envelopes, in block order. */
  ids: string[];
}

export interface ArchiveRead {
  /** Blocks by height (1..top), read only once the whole archive verified from the genesis. */
  blocks: Map<number, ArchivedBlock>;
  /** Tracing code (hex) → height of its block. */
  heightOf: Map<string, number>;
  /** Why the archive is not usable (it failed to verify); undefined when it verified. */
  error?: string;
}

/** Verifies node i's archive from the genesis, then reads every archived block. */
export async function readArchive(dir: string, anchor: ArchiveAnchor): Promise<ArchiveRead> {
  const out: ArchiveRead = { blocks: new Map(), heightOf: new Map() };
  const report = await verifyArchive(dir, anchor);
  if (!report.ok) {
    const f = report.failure!;
    out.error = `archive ${dir} does not verify: ${f.segment} height ${f.height} ${f.check}: ${f.message}`;
    return out;
  }
  for (const seg of listArchive(dir)) {
    const bytes = await readFile(join(dir, seg.file));
    for (const f of segmentFrames(bytes, seg.file)) {
      if (f.height > report.top) break;
      const certified = decodeCertifiedBlock(f.payload);
      const ids = certified.block.envelopes.map((e) => toHex(tracingCode(e)));
      for (const id of ids) if (!out.heightOf.has(id)) out.heightOf.set(id, f.height);
      out.blocks.set(f.height, {
        hash: toHex(headerHash(blockHeaderBytes(certifiedBlockBlockBytes(f.payload)))),
        stateRoot: toHex(certified.block.header.stateRoot),
        ids,
      });
    }
  }
  return out;
}

/** The archive file holding height h, by the folder's listing. */
export const archiveSegmentAt = (dir: string, h: number): string | undefined =>
  archivedSegmentOf(dir, h)?.file;

/**
 * An envelope node i answered PRUNED for: the answer must name the archive segment its block is
 * in, and the bundle built from the archive must verify offline against the genesis. Undefined
 * when all holds, else why not.
 */
export async function checkArchivedTrace(
  err: unknown,
  id: string,
  dir: string,
  archive: ArchiveRead,
  trust: TrustAnchor,
): Promise<string | undefined> {
  const h = archive.heightOf.get(id);
  if (h === undefined)
    return `not PRUNED-acceptable: ${id} is in no archived block (${(err as Error).message})`;
  const bad = judgePruned(err, h, archiveSegmentAt(dir, h));
  if (bad !== undefined) return bad;
  const code = Buffer.from(id, 'hex');
  try {
    const t = await traceFromArchive(dir, code, { height: h });
    const v = verifyTrace(t.bundle, code, trust);
    if (toHex(v.tracingCode) !== id) return `the archived bundle of ${id} proved ${toHex(v.tracingCode)}`;
  } catch (e) {
    return `the archived bundle of ${id} does not verify: ${(e as Error).message}`;
  }
  return undefined;
}
