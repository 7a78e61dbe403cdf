// One record of the block log on disk:
//   magic u32 "BKB1" | payload length u32 | height u64 | SHA-256(length || height || payload) 32 bytes | payload
// all big-endian. The checksum covers the header fields too, so a torn or bit-flipped length is caught.
import { createHash } from 'node:crypto';

export const FRAME_MAGIC = 0x424b4231;
export const FRAME_HEADER_BYTES = 48;
/** Cap on one payload (a certified block); codec's block caps are far below it. */
export const MAX_FRAME_PAYLOAD = 256 * 1024 * 1024;

export interface FrameHeader {
  length: number;
  height: number;
  checksum: Uint8Array;
}

export function frameChecksum(length: number, height: number, payload: Uint8Array): Uint8Array {
  const fields = Buffer.alloc(12);
  fields.writeUInt32BE(length, 0);
  fields.writeBigUInt64BE(BigInt(height), 4);
  return createHash('sha256').update(fields).update(payload).digest();
}

export function encodeFrameHeader(height: number, payload: Uint8Array): Buffer {
  const h = Buffer.alloc(FRAME_HEADER_BYTES);
  h.writeUInt32BE(FRAME_MAGIC, 0);
  h.writeUInt32BE(payload.length, 4);
  h.writeBigUInt64BE(BigInt(height), 8);
  h.set(frameChecksum(payload.length, height, payload), 16);
  return h;
}

/** Parses a frame header; undefined when the magic or the length is impossible (torn or garbage). */
export function parseFrameHeader(b: Uint8Array): FrameHeader | undefined {
  if (b.length < FRAME_HEADER_BYTES) return undefined;
  const buf = Buffer.from(b.buffer, b.byteOffset, FRAME_HEADER_BYTES);
  if (buf.readUInt32BE(0) !== FRAME_MAGIC) return undefined;
  const length = buf.readUInt32BE(4);
  if (length > MAX_FRAME_PAYLOAD) return undefined;
  const height = Number(buf.readBigUInt64BE(8));
  return { length, height, checksum: buf.subarray(16, 48) };
}

export function checksumMatches(h: FrameHeader, payload: Uint8Array): boolean {
  return Buffer.from(frameChecksum(h.length, h.height, payload)).equals(h.checksum);
}
