// Length-prefixed frames: a 4-byte big-endian length, then the bytes; one per direction on a
// one-shot stream, or one after another on a persistent stream (readFrames).
// The length is checked against the cap before any of the body is buffered, and the buffer is
// allocated once at the announced size, so a peer cannot make this node hold more than the cap.
import { P2PError, P2PErrorCode } from './errors.js';

/** A stream chunk: libp2p hands out Uint8ArrayList, tests hand plain Uint8Array. */
export type Chunk = Uint8Array | { subarray(): Uint8Array };

const HEADER = 4;

/** The frame whose body is `parts` joined: the header, then the parts as chunks (no copies). */
export function frameOf(parts: readonly Uint8Array[], cap: number): Uint8Array[] {
  let length = 0;
  for (const p of parts) length += p.length;
  if (length > cap) throw new P2PError(P2PErrorCode.Oversized, 'frame larger than its cap', { length, cap });
  const header = new Uint8Array(HEADER);
  new DataView(header.buffer).setUint32(0, length);
  return [header, ...parts];
}

/**
 * Reads exactly one frame from `source` and requires the source to end after it.
 * Throws P2PError OVERSIZED (announced length above `cap`) or BAD_FRAME (truncated or trailing).
 */
export async function readFrame(source: AsyncIterable<Chunk>, cap: number): Promise<Uint8Array> {
  const header = new Uint8Array(HEADER);
  let headerFill = 0;
  let body: Uint8Array | undefined;
  let bodyFill = 0;
  for await (const chunk of source) {
    let bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    if (body === undefined) {
      const n = Math.min(HEADER - headerFill, bytes.length);
      header.set(bytes.subarray(0, n), headerFill);
      headerFill += n;
      bytes = bytes.subarray(n);
      if (headerFill < HEADER) continue;
      const length = new DataView(header.buffer).getUint32(0);
      if (length > cap)
        throw new P2PError(P2PErrorCode.Oversized, 'incoming frame larger than its cap', { length, cap });
      body = new Uint8Array(length);
    }
    if (bodyFill + bytes.length > body.length)
      throw new P2PError(P2PErrorCode.BadFrame, 'bytes after the frame');
    body.set(bytes, bodyFill);
    bodyFill += bytes.length;
  }
  if (body === undefined || bodyFill < body.length)
    throw new P2PError(P2PErrorCode.BadFrame, 'stream ended inside a frame', {
      header: headerFill,
      body: bodyFill,
    });
  return body;
}

/**
 * Reads frames one after another from `source` until it ends. Each announced length is checked
 * against `cap` (OVERSIZED) and then offered to `admit`: a frame it refuses is skipped without being
 * buffered. Throws BAD_FRAME when the source ends inside a frame.
 */
export async function* readFrames(
  source: AsyncIterable<Chunk>,
  cap: number,
  admit: (length: number) => boolean,
): AsyncGenerator<Uint8Array> {
  const header = new Uint8Array(HEADER);
  let headerFill = 0;
  let body: Uint8Array | undefined;
  let bodyFill = 0;
  let skip = 0;
  for await (const chunk of source) {
    let bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    while (bytes.length > 0) {
      if (skip > 0) {
        const n = Math.min(skip, bytes.length);
        skip -= n;
        bytes = bytes.subarray(n);
        continue;
      }
      if (body === undefined) {
        const n = Math.min(HEADER - headerFill, bytes.length);
        header.set(bytes.subarray(0, n), headerFill);
        headerFill += n;
        bytes = bytes.subarray(n);
        if (headerFill < HEADER) break;
        headerFill = 0;
        const length = new DataView(header.buffer).getUint32(0);
        if (length > cap)
          throw new P2PError(P2PErrorCode.Oversized, 'incoming frame larger than its cap', { length, cap });
        if (!admit(length)) {
          skip = length;
          continue;
        }
        body = new Uint8Array(length);
        bodyFill = 0;
      }
      const n = Math.min(body.length - bodyFill, bytes.length);
      body.set(bytes.subarray(0, n), bodyFill);
      bodyFill += n;
      bytes = bytes.subarray(n);
      if (bodyFill === body.length) {
        const done = body;
        body = undefined;
        yield done;
      }
    }
  }
  if (body !== undefined || headerFill > 0 || skip > 0)
    throw new P2PError(P2PErrorCode.BadFrame, 'stream ended inside a frame', { header: headerFill, skip });
}

/** One frame as a single buffer (header and body copied together: one muxer write per frame). */
export function frameBytes(data: Uint8Array, cap: number): Uint8Array {
  if (data.length > cap)
    throw new P2PError(P2PErrorCode.Oversized, 'frame larger than its cap', { length: data.length, cap });
  const out = new Uint8Array(HEADER + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(data, HEADER);
  return out;
}
