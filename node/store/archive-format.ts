// The archive of block-log segments (docs/storage.md, "Archive"): a folder of segment files, each a
// byte-for-byte copy of one sealed segment of the node's block log (the block-log frame format),
// and next to each a JSON manifest: the segment's first and last height, the hash of every block
// in it, its size and SHA-256, and the proofs of any validator-set change that starts inside it.
//   seg-<first height, 12 digits>-<last height, 12 digits>.log
//   seg-<first>-<last>.json
// Names carry the height range, so finding the segment that holds a height reads only the listing.
// Each file is written to a temporary name, fsynced, renamed, and the folder fsynced; the manifest
// goes last, so a segment without its manifest is an interrupted write (ignored, rewritten).
import { readdirSync } from 'node:fs';
import { z } from 'zod';
import { BkdmsError } from '../../codec/base-error.js';
import { checksumMatches, FRAME_HEADER_BYTES, parseFrameHeader } from './frame.js';

export const ARCHIVE_FORMAT = 'bkdms-archive-segment/1';

export enum ArchiveErrorCode {
  /** The archive and the segments to add would leave heights uncovered, or the archive has holes. */
  Gap = 'GAP',
  /** A segment file differs from its manifest (size, SHA-256, heights, block hashes). */
  Mismatch = 'MISMATCH',
  /** A block fails the header chain from genesis (link, certificate, log root, body). */
  BadChain = 'BAD_CHAIN',
  /** A manifest that does not parse, or an archive of another chain. */
  Malformed = 'MALFORMED',
  /** The data folder is in use (a running node holds its index lock). */
  Locked = 'LOCKED',
  /** No archived block holds the envelope asked for. */
  NotFound = 'NOT_FOUND',
}

export class ArchiveError extends BkdmsError<ArchiveErrorCode> {
  constructor(code: ArchiveErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('ArchiveError', code, message, meta);
  }
}

const HEX32 = /^[0-9a-f]{64}$/;
const HEX = /^([0-9a-f]{2})*$/;

const changeSchema = z.strictObject({
  /** The first height the new set certifies. */
  activation: z.number().int().min(2),
  /** Header activation - 1, its certificate and the bucket proof of "gov/validators" against it. */
  header: z.string().regex(HEX),
  certificate: z.string().regex(HEX),
  bucket: z.string().regex(HEX),
});

export const manifestSchema = z.strictObject({
  format: z.literal(ARCHIVE_FORMAT),
  chainId: z.string().regex(HEX32),
  file: z.string().regex(/^seg-\d{12}-\d{12}\.log$/),
  firstHeight: z.number().int().min(1),
  lastHeight: z.number().int().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(HEX32),
  /** The hash of each block's header, firstHeight first. */
  blockHashes: z.array(z.string().regex(HEX32)),
  validatorChanges: z.array(changeSchema),
});
export type SegmentManifest = z.infer<typeof manifestSchema>;
export type ArchivedChange = z.infer<typeof changeSchema>;

/** A segment of the archive as its names tell it. */
export interface ArchivedSegment {
  firstHeight: number;
  lastHeight: number;
  /** The segment file's name (seg-…log); its manifest is the same name with .json. */
  file: string;
}

const pad = (h: number): string => String(h).padStart(12, '0');

export function segmentFileName(first: number, last: number): string {
  return `seg-${pad(first)}-${pad(last)}.log`;
}

export function manifestFileName(segmentFile: string): string {
  return segmentFile.replace(/\.log$/, '.json');
}

/** The archive's segments that have a manifest, by height; a missing folder is an empty archive. */
export function listArchive(dir: string): ArchivedSegment[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ArchivedSegment[] = [];
  for (const n of names) {
    const m = /^seg-(\d{12})-(\d{12})\.json$/.exec(n);
    if (m === null) continue;
    out.push({ firstHeight: Number(m[1]), lastHeight: Number(m[2]), file: n.replace(/\.json$/, '.log') });
  }
  return out.sort((a, b) => a.firstHeight - b.firstHeight);
}

/** The archived segment holding height h, from the folder's listing; undefined when none does. */
export function archivedSegmentOf(dir: string, h: number): ArchivedSegment | undefined {
  return listArchive(dir).find((s) => s.firstHeight <= h && h <= s.lastHeight);
}

export function parseManifest(text: string, file: string): SegmentManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ArchiveError(ArchiveErrorCode.Malformed, `${file}: not JSON`, { file });
  }
  const r = manifestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ArchiveError(
      ArchiveErrorCode.Malformed,
      `${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`,
      { file },
    );
  }
  return r.data;
}

export interface ArchivedFrame {
  height: number;
  /** Offset of the frame in the segment file. */
  offset: number;
  /** The encoded CertifiedBlock. */
  payload: Uint8Array;
}

/**
 * The frames of a whole segment; a frame cut short, or one that fails its checksum, throws with
 * the offset. A sealed segment has neither (a crash can only tear the open one).
 */
export function* segmentFrames(bytes: Uint8Array, what: string): Generator<ArchivedFrame> {
  let pos = 0;
  while (pos < bytes.length) {
    const h = parseFrameHeader(bytes.subarray(pos, pos + FRAME_HEADER_BYTES));
    const end = h === undefined ? -1 : pos + FRAME_HEADER_BYTES + h.length;
    const payload =
      h === undefined || end > bytes.length ? undefined : bytes.subarray(pos + FRAME_HEADER_BYTES, end);
    if (h === undefined || payload === undefined || !checksumMatches(h, payload))
      throw new ArchiveError(ArchiveErrorCode.Mismatch, `${what}: bad block-log frame at offset ${pos}`, {
        offset: pos,
      });
    yield { height: h.height, offset: pos, payload };
    pos = end;
  }
}
