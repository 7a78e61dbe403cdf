// Big-endian writer that validates every value before writing it: an encoder given a value it
// cannot represent exactly throws CodecError(InvalidInput) instead of truncating or rounding.
// Encoders that know their exact size pass it, so the common case allocates once and finish()
// returns the whole buffer; otherwise the buffer doubles as needed.
import { MAX_SAFE_U64 } from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { allocBytes, putF64, putU32, putU64 } from './primitives.js';

function invalid(field: string, message: string, value?: number): CodecError {
  return new CodecError(CodecErrorCode.InvalidInput, `${field}: ${message}`, {
    field,
    ...(value === undefined ? {} : { value: String(value) }),
  });
}

/** Throws InvalidInput unless v is an integer in [min, max]. */
export function checkInt(v: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw invalid(field, `not an integer in [${min}, ${max}]`, v);
}

export class Writer {
  private buf: Uint8Array;
  pos = 0;

  constructor(size = 256) {
    this.buf = allocBytes(size);
  }

  private room(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      grown.set(this.buf);
      this.buf = grown;
    }
    this.pos = at + n;
    return at;
  }

  u8(v: number, field = 'u8'): this {
    checkInt(v, 0, 0xff, field);
    const at = this.room(1); // before reading this.buf: room() may replace it
    this.buf[at] = v;
    return this;
  }

  u16(v: number, field = 'u16'): this {
    checkInt(v, 0, 0xffff, field);
    const at = this.room(2);
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v;
    return this;
  }

  u32(v: number, field = 'u32'): this {
    checkInt(v, 0, 0xffff_ffff, field);
    const at = this.room(4);
    putU32(this.buf, at, v);
    return this;
  }

  /** u64 from a safe non-negative integer. */
  u64(v: number, field = 'u64'): this {
    checkInt(v, 0, MAX_SAFE_U64, field);
    const at = this.room(8);
    putU64(this.buf, at, v, field);
    return this;
  }

  /** Finite double (-0 is kept as written). */
  f64(v: number, field = 'f64'): this {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(field, 'not a finite number', v);
    const at = this.room(8);
    putF64(this.buf, at, v);
    return this;
  }

  /** Exactly n bytes (n = b.length when omitted). */
  bytes(b: Uint8Array, n: number = b.length, field = 'bytes'): this {
    if (!(b instanceof Uint8Array) || b.length !== n) throw invalid(field, `need exactly ${n} bytes`);
    const at = this.room(n);
    this.buf.set(b, at);
    return this;
  }

  /** u16 length prefix + bytes, length in [min, cap]. */
  bytes16(b: Uint8Array, min: number, cap: number, field: string): this {
    checkLength(b, min, Math.min(cap, 0xffff), field);
    return this.u16(b.length, field).bytes(b, b.length, field);
  }

  /** u32 length prefix + bytes, length in [min, cap]. */
  bytes32(b: Uint8Array, min: number, cap: number, field: string): this {
    checkLength(b, min, cap, field);
    return this.u32(b.length, field).bytes(b, b.length, field);
  }

  /** A view of the next n (zeroed) bytes, for fields written at fixed positions. */
  take(n: number): Uint8Array {
    const at = this.room(n);
    return this.buf.subarray(at, at + n);
  }

  /** The bytes written so far (the whole buffer when the size given up front was exact). */
  finish(): Uint8Array {
    return this.pos === this.buf.length ? this.buf : this.buf.subarray(0, this.pos);
  }
}

function checkLength(b: Uint8Array, min: number, cap: number, field: string): void {
  if (!(b instanceof Uint8Array)) throw invalid(field, 'not a Uint8Array');
  if (b.length < min || b.length > cap) throw invalid(field, `length not in [${min}, ${cap}]`, b.length);
}
