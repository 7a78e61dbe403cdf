// Bounds-checked big-endian reader over a byte view. Every read checks the remaining length
// first and throws CodecError (never RangeError); byte fields come back as subarray views over
// the input (zero copy), so a decoded structure keeps the input alive and must not outlive a
// buffer that its owner reuses.
import { MAX_SAFE_U64 } from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';

const TWO_POW_32 = 0x1_0000_0000;
// High word of a u64 above which the value exceeds 2^53 - 1.
const MAX_SAFE_HIGH = Math.floor(MAX_SAFE_U64 / TWO_POW_32);

export class Reader {
  readonly buf: Uint8Array;
  readonly limit: number;
  pos: number;
  private readonly view: DataView;

  /** Reads buf[start, limit). */
  constructor(buf: Uint8Array, start = 0, limit = buf.length) {
    if (start < 0 || limit > buf.length || start > limit)
      throw new CodecError(CodecErrorCode.Truncated, 'reader window outside the input', { start, limit });
    this.buf = buf;
    this.pos = start;
    this.limit = limit;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  remaining(): number {
    return this.limit - this.pos;
  }

  /** Throws Truncated unless n more bytes are available; returns the position before them. */
  need(n: number, field: string): number {
    const at = this.pos;
    if (n > this.limit - at)
      throw new CodecError(CodecErrorCode.Truncated, `${field}: need ${n} bytes`, {
        field,
        need: n,
        have: this.limit - at,
      });
    this.pos = at + n;
    return at;
  }

  /** Throws Truncated unless n more bytes are available, without consuming them. */
  ensure(n: number, field: string): void {
    this.need(n, field);
    this.pos -= n;
  }

  u8(field = 'u8'): number {
    return this.buf[this.need(1, field)]!;
  }

  u16(field = 'u16'): number {
    return this.view.getUint16(this.need(2, field));
  }

  u32(field = 'u32'): number {
    return this.view.getUint32(this.need(4, field));
  }

  /** u64 as a JS number; values above 2^53 - 1 are rejected (BadValue) rather than rounded. */
  u64(field = 'u64'): number {
    const at = this.need(8, field);
    const hi = this.view.getUint32(at);
    if (hi > MAX_SAFE_HIGH)
      throw new CodecError(CodecErrorCode.BadValue, `${field}: u64 above 2^53-1`, { field, at });
    return hi * TWO_POW_32 + this.view.getUint32(at + 4);
  }

  /** IEEE-754 double; NaN and ±Infinity are rejected, -0 is kept. */
  f64(field = 'f64'): number {
    const at = this.need(8, field);
    const v = this.view.getFloat64(at);
    if (!Number.isFinite(v))
      throw new CodecError(CodecErrorCode.BadValue, `${field}: not finite`, { field, at });
    return v;
  }

  /** Reads an enum byte and checks it lies in [min, max]. */
  enumU8(min: number, max: number, field: string): number {
    const v = this.u8(field);
    if (v < min || v > max)
      throw new CodecError(CodecErrorCode.BadEnum, `${field}: ${v}`, { field, value: v });
    return v;
  }

  /** A view of the next n bytes. */
  bytes(n: number, field = 'bytes'): Uint8Array {
    const at = this.need(n, field);
    return this.buf.subarray(at, at + n);
  }

  /** A u16 length prefix checked against [min, cap] before the view is taken. */
  bytes16(min: number, cap: number, field: string): Uint8Array {
    return this.bytes(this.length(this.u16(field), min, cap, field), field);
  }

  /** A u32 length prefix checked against [min, cap] before the view is taken. */
  bytes32(min: number, cap: number, field: string): Uint8Array {
    return this.bytes(this.length(this.u32(field), min, cap, field), field);
  }

  /** Checks a count or length read from the input against [min, cap]. */
  length(n: number, min: number, cap: number, field: string): number {
    if (n > cap)
      throw new CodecError(CodecErrorCode.Oversized, `${field}: ${n} > cap ${cap}`, { field, n, cap });
    if (n < min)
      throw new CodecError(CodecErrorCode.BadValue, `${field}: ${n} < min ${min}`, { field, n, min });
    return n;
  }

  /** Requires the window to be fully consumed. */
  end(field = 'structure'): void {
    if (this.pos !== this.limit)
      throw new CodecError(
        CodecErrorCode.TrailingBytes,
        `${field}: ${this.limit - this.pos} trailing bytes`,
        {
          field,
          trailing: this.limit - this.pos,
        },
      );
  }
}

/** Throws Oversized when a whole input exceeds its structure's cap (checked before any parsing). */
export function checkInputSize(b: Uint8Array, cap: number, what: string): void {
  if (b.length > cap)
    throw new CodecError(CodecErrorCode.Oversized, `${what}: ${b.length} bytes > cap ${cap}`, {
      field: what,
      n: b.length,
      cap,
    });
}

/** Reads the leading version byte and rejects any version this build does not know. */
export function readVersion(r: Reader, expected: number, field: string): void {
  const v = r.u8(field);
  if (v !== expected)
    throw new CodecError(CodecErrorCode.UnknownVersion, `${field}: ${v}`, { field, version: v });
}
