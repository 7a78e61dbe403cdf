// Bounds-checked big-endian reader over a byte view. Every read checks the remaining length
// first and throws CodecError (never RangeError); byte fields come back as subarray views over
// the input (zero copy), so a decoded structure keeps the input alive and must not outlive a
// buffer that its owner reuses.
import { CodecError, CodecErrorCode } from './errors.js';
import { getF64, getU64, u32At } from './primitives.js';

export class Reader {
  readonly buf: Uint8Array;
  readonly limit: number;
  pos: number;

  /** Reads buf[start, limit). */
  constructor(buf: Uint8Array, start = 0, limit = buf.length) {
    if (start < 0 || limit > buf.length || start > limit)
      throw new CodecError(CodecErrorCode.Truncated, 'reader window outside the input', { start, limit });
    this.buf = buf;
    this.pos = start;
    this.limit = limit;
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
    const at = this.need(2, field);
    const b = this.buf;
    return (b[at]! << 8) | b[at + 1]!;
  }

  u32(field = 'u32'): number {
    return u32At(this.buf, this.need(4, field));
  }

  /** u64 as a JS number; values above 2^53 - 1 are rejected (BadValue) rather than rounded. */
  u64(field = 'u64'): number {
    return getU64(this.buf, this.need(8, field), field);
  }

  /** IEEE-754 double; NaN and ±Infinity are rejected, -0 is kept. */
  f64(field = 'f64'): number {
    const at = this.need(8, field);
    const v = getF64(this.buf, at);
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
