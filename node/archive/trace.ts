// `bkdms archive trace`: the proof bundle of an envelope, built from an archive of block-log
// segments alone, in the very form a node's Trace answers (api/types.ts TraceBundleBytes), so the
// offline check of `bkdms trace` and `bkdms verify` (api/verify.ts verifyTrace) accepts it: the
// envelope, its block's header and commit certificate, its leaf index and Merkle path to the
// header's txRoot. All of those are inside the archived block itself; no later header or
// block-hash-log proof is needed, and nothing the archive's manifests say is trusted: the bundle
// verifies against the genesis file's validator set or not at all.
// The archive has no index by tracing code: the segments are scanned, oldest first, and every
// envelope hashed (about one SHA-256 pass over the archive); `height` narrows it to one segment.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TraceBundleBytes } from '../../api/types.js';
import { blockEnvelopeLocations, blockHeaderBytes } from '../../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../../codec/certificate.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { MerkleTree } from '../../crypto/merkle.js';
import { ArchiveError, ArchiveErrorCode, listArchive, segmentFrames } from '../store/index.js';
import { certificateBytesOf } from './verify.js';

export interface ArchivedTrace {
  bundle: TraceBundleBytes;
  /** The archive segment file the block is in. */
  segment: string;
}

/**
 * The bundle of the first archived block holding the envelope `code` (a block holds an envelope
 * applied or rejected at execution alike: the archive keeps no receipts, see docs/storage.md).
 */
export async function traceFromArchive(
  dir: string,
  code: Uint8Array,
  opts: { height?: number } = {},
): Promise<ArchivedTrace> {
  const h = opts.height;
  const segs = listArchive(dir).filter((s) => h === undefined || (s.firstHeight <= h && h <= s.lastHeight));
  for (const seg of segs) {
    const bytes = await readFile(join(dir, seg.file));
    for (const f of segmentFrames(bytes, seg.file)) {
      if (h !== undefined && f.height !== h) continue;
      const block = certifiedBlockBlockBytes(f.payload);
      const envelopes = blockEnvelopeLocations(block).map((l) =>
        block.subarray(l.offset, l.offset + l.length),
      );
      const codes = envelopes.map(tracingCode);
      const index = codes.findIndex((c) => bytesEqual(c, code));
      if (index < 0) continue;
      return {
        segment: seg.file,
        bundle: {
          envelope: envelopes[index]!.slice(),
          header: blockHeaderBytes(block).slice(),
          leafIndex: index,
          proof: new MerkleTree(codes).inclusionProof(index).path,
          certificate: certificateBytesOf(f.payload).slice(),
          height: f.height,
        },
      };
    }
  }
  const where = h === undefined ? `${segs.length} archived segments` : `the archived block ${h}`;
  throw new ArchiveError(ArchiveErrorCode.NotFound, `envelope ${toHex(code)} is in none of ${where}`);
}
