// Append-only block log: segment files seg-00000000.log, seg-00000001.log, ... of frames (frame.ts),
// each holding one encoded CertifiedBlock. A segment is closed when the next frame would pass
// segmentBytes, so whole old segments can later be deleted when their bodies are pruned.
// Every append is written and fdatasync'ed before it resolves: the index batch that follows may
// then point at it, and recovery never indexes a block that is not fully on disk.
import { closeSync, mkdirSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { type FileHandle, open, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crashAt, failpoint, failpointDue } from '../../runtime/failpoints.js';
import { syncDir } from '../../runtime/fs-atomic.js';
import { StoreError, StoreErrorCode } from './errors.js';
import { checksumMatches, encodeFrameHeader, FRAME_HEADER_BYTES, parseFrameHeader } from './frame.js';

/** Table 10-3 block recorder: where a certified block's bytes sit in the chain's block log. */
export interface BlockLocation {
  segment: number;
  /** Offset of the payload (the encoded CertifiedBlock) in the segment file. */
  offset: number;
  length: number;
}

export interface ScannedFrame {
  height: number;
  location: BlockLocation;
  payload: Uint8Array;
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const MAX_READ_FDS = 16;

export class BlockLog {
  private writer: FileHandle | undefined;
  private segment: number;
  private size: number;
  /** Read descriptors per segment, oldest first (bounded). */
  private readonly readers = new Map<number, number>();

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    segments: number[],
  ) {
    this.segment = segments.at(-1) ?? 0;
    this.size = 0;
  }

  static async open(dir: string, segmentBytes = DEFAULT_SEGMENT_BYTES): Promise<BlockLog> {
    mkdirSync(dir, { recursive: true });
    const log = new BlockLog(dir, segmentBytes, listSegments(dir));
    await log.openWriter(log.segment);
    return log;
  }

  /** Segment numbers present on disk, ascending. */
  segments(): number[] {
    return listSegments(this.dir);
  }

  /** Height of the first frame of a segment; undefined when it holds no whole frame header. */
  firstHeight(segment: number): number | undefined {
    try {
      return parseFrameHeader(this.readAt(segment, 0, FRAME_HEADER_BYTES))?.height;
    } catch (err) {
      if (err instanceof StoreError && err.code === StoreErrorCode.NotFound) return undefined;
      throw err;
    }
  }

  segmentBytesOnDisk(segment: number): number {
    return statSync(join(this.dir, segName(segment))).size;
  }

  /** Removes a whole segment (pruning, prune.ts); never the one being appended to. */
  async deleteSegment(segment: number): Promise<void> {
    if (segment === this.segment)
      throw new StoreError(StoreErrorCode.Inconsistent, 'refusing to delete the open segment', { segment });
    this.dropReader(segment);
    await unlink(join(this.dir, segName(segment)));
    await syncDir(this.dir);
  }

  async append(height: number, payload: Uint8Array): Promise<BlockLocation> {
    const frameBytes = FRAME_HEADER_BYTES + payload.length;
    if (frameBytes > this.segmentBytes)
      throw new StoreError(StoreErrorCode.Oversized, 'block larger than a segment', {
        height,
        bytes: frameBytes,
      });
    if (this.size > 0 && this.size + frameBytes > this.segmentBytes) {
      await this.openWriter(this.segment + 1);
      failpoint('block-log-after-roll');
    }
    const w = this.writerOrThrow();
    const at = this.size;
    if (failpointDue('block-log-torn-append')) {
      // Test kit only: a frame cut short, as a crash mid-write leaves it.
      await w.writev([encodeFrameHeader(height, payload), payload.subarray(0, payload.length >> 1)], at);
      await w.datasync();
      crashAt('block-log-torn-append');
    }
    await w.writev([encodeFrameHeader(height, payload), payload], at);
    await w.datasync();
    this.size = at + frameBytes;
    return { segment: this.segment, offset: at + FRAME_HEADER_BYTES, length: payload.length };
  }

  /** Reads `length` bytes at `offset` of a segment (a whole payload or a slice of it). */
  readAt(segment: number, offset: number, length: number): Uint8Array {
    const fd = this.reader(segment);
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, offset + got);
      if (n === 0)
        throw new StoreError(StoreErrorCode.NotFound, 'read past end of segment', { segment, offset });
      got += n;
    }
    return out;
  }

  read(loc: BlockLocation): Uint8Array {
    return this.readAt(loc.segment, loc.offset, loc.length);
  }

  /**
   * Yields every complete, checksummed frame after `from` (the end of the last indexed payload, or
   * the start of the log). A torn or corrupt frame in the last segment is a crash mid-append: the
   * tail from it is truncated. One in an earlier segment cannot come from a crash (a segment is
   * synced before the next is opened): that is corruption and throws.
   */
  async *recover(from: { segment: number; offset: number } | undefined): AsyncGenerator<ScannedFrame> {
    const segs = this.segments();
    let seg = from?.segment ?? segs[0] ?? 0;
    let pos = from?.offset ?? 0;
    const last = segs.at(-1) ?? 0;
    if (from !== undefined && from.segment > last)
      throw new StoreError(StoreErrorCode.Inconsistent, 'index points past the block log', { segment: seg });
    for (; seg <= last; seg++, pos = 0) {
      if (!segs.includes(seg)) continue;
      const end = await segmentSize(join(this.dir, segName(seg)));
      if (pos > end)
        throw new StoreError(StoreErrorCode.Inconsistent, 'index points past the block log', {
          segment: seg,
          offset: pos,
        });
      while (pos < end) {
        const frame = this.frameAt(seg, pos, end);
        if (frame === undefined) {
          if (seg !== last)
            throw new StoreError(StoreErrorCode.Corrupt, 'bad frame before the last segment', {
              segment: seg,
              offset: pos,
            });
          await this.truncateTail(seg, pos);
          return;
        }
        yield frame;
        pos = frame.location.offset + frame.location.length;
      }
    }
  }

  async close(): Promise<void> {
    await this.writer?.close();
    this.writer = undefined;
    for (const fd of this.readers.values()) closeSync(fd);
    this.readers.clear();
  }

  private frameAt(seg: number, pos: number, end: number): ScannedFrame | undefined {
    if (end - pos < FRAME_HEADER_BYTES) return undefined;
    const h = parseFrameHeader(this.readAt(seg, pos, FRAME_HEADER_BYTES));
    if (h === undefined || pos + FRAME_HEADER_BYTES + h.length > end) return undefined;
    const location = { segment: seg, offset: pos + FRAME_HEADER_BYTES, length: h.length };
    const payload = this.read(location);
    if (!checksumMatches(h, payload)) return undefined;
    return { height: h.height, location, payload };
  }

  private async truncateTail(seg: number, pos: number): Promise<void> {
    await truncate(join(this.dir, segName(seg)), pos);
    this.dropReader(seg);
    if (seg === this.segment) this.size = pos;
  }

  private async openWriter(seg: number): Promise<void> {
    await this.writer?.close();
    this.writer = await open(join(this.dir, segName(seg)), 'a+');
    this.segment = seg;
    this.size = (await this.writer.stat()).size;
  }

  private writerOrThrow(): FileHandle {
    if (this.writer === undefined) throw new StoreError(StoreErrorCode.Closed, 'block log is closed');
    return this.writer;
  }

  private reader(seg: number): number {
    const have = this.readers.get(seg);
    if (have !== undefined) return have;
    if (this.readers.size >= MAX_READ_FDS) {
      const oldest = this.readers.keys().next().value as number;
      this.dropReader(oldest);
    }
    let fd: number;
    try {
      fd = openSync(join(this.dir, segName(seg)), 'r');
    } catch {
      throw new StoreError(StoreErrorCode.NotFound, 'segment missing', { segment: seg });
    }
    this.readers.set(seg, fd);
    return fd;
  }

  private dropReader(seg: number): void {
    const fd = this.readers.get(seg);
    if (fd !== undefined) closeSync(fd);
    this.readers.delete(seg);
  }
}

/** File name of segment n in the blocks/ folder. */
export function segmentFileName(n: number): string {
  return segName(n);
}

function segName(n: number): string {
  return `seg-${String(n).padStart(8, '0')}.log`;
}

function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => /^seg-(\d{8})\.log$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

async function segmentSize(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    return (await fh.stat()).size;
  } finally {
    await fh.close();
  }
}
