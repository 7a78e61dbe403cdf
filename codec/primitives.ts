// Byte primitives under every codec: fast allocation of small outputs, and big-endian integers
// and doubles at fixed positions (callers bounds-check first), all without DataView.
// Why: on Node 20 every `new Uint8Array(n)` allocates an ArrayBuffer (~0.8 µs here) and every
// DataView costs ~0.2 µs, more than encoding a whole KPI record. Small encodings are therefore
// carved out of 8 KiB slabs, as Node's Buffer pool does: a returned Uint8Array may share its
// ArrayBuffer with other encodings, so callers must use byteOffset/byteLength (never `.buffer`
// alone). The slab and the float scratch are only touched inside one synchronous call, so the
// results are deterministic and the module holds no state anyone can observe.
import { MAX_SAFE_U64 } from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';

const TWO_POW_32 = 0x1_0000_0000;
// High word of a u64 above which the value exceeds 2^53 - 1.
const MAX_SAFE_HIGH = Math.floor(MAX_SAFE_U64 / TWO_POW_32);

const SLAB_BYTES = 8 * 1024;
/** Larger outputs get their own ArrayBuffer (a slab would be mostly wasted). */
const MAX_SLAB_ALLOC = 1024;

let slab = new Uint8Array(SLAB_BYTES);
let slabBuffer = slab.buffer;
let slabView = new DataView(slabBuffer);
let used = 0;
let lastView = slabView;
let lastOffset = 0;

/** n zeroed bytes. */
export function allocBytes(n: number): Uint8Array {
  // slab.length, not SLAB_BYTES: a slab whose ArrayBuffer someone transferred reads as length 0
  // and is replaced instead of handing out detached views.
  if (n > MAX_SLAB_ALLOC || used + n > slab.length) return allocSlow(n);
  lastView = slabView;
  lastOffset = used;
  // The constructor, not slab.subarray(): subarray looks up the species constructor (measured 2x).
  const out = new Uint8Array(slabBuffer, used, n);
  used = (used + n + 7) & ~7; // keep every output 8-byte aligned
  return out;
}

/** allocBytes() beyond the fast path (kept apart so V8 inlines the fast path into encoders). */
function allocSlow(n: number): Uint8Array {
  if (n > MAX_SLAB_ALLOC) {
    const own = new Uint8Array(n);
    lastView = new DataView(own.buffer);
    lastOffset = 0;
    return own;
  }
  slab = new Uint8Array(SLAB_BYTES);
  slabBuffer = slab.buffer;
  slabView = new DataView(slabBuffer);
  used = 0;
  return allocBytes(n);
}

/**
 * A DataView over the ArrayBuffer of the latest allocBytes() result (offsets are buffer offsets:
 * add out.byteOffset). Lets a hot encoder write doubles without a DataView per call; valid only
 * until the next allocBytes().
 */
export function lastAllocView(): DataView {
  return lastView;
}

/**
 * The byteOffset of the latest allocBytes() result: the allocator knows it, while reading
 * `out.byteOffset` is a builtin call that V8 does not inline here (measured ~10 ns).
 */
export function lastAllocOffset(): number {
  return lastOffset;
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);
// Which word of the scratch double holds the high (sign/exponent) half on this host.
const HI = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** Writes v as a big-endian IEEE-754 double at b[at..at+8). */
export function putF64(b: Uint8Array, at: number, v: number): void {
  f64[0] = v;
  putU32(b, at, f64Words[HI]!);
  putU32(b, at + 4, f64Words[LO]!);
}

// 2^(e - 1075) for each biased exponent e (e = 0, subnormals, scales like e = 1).
const POW2 = new Float64Array(0x7ff);
for (let e = 0; e < 0x7ff; e++) POW2[e] = 2 ** (Math.max(e, 1) - 1075);

/** Reads a big-endian IEEE-754 double from b[at..at+8) (the caller has bounds-checked). */
export function getF64(b: Uint8Array, at: number): number {
  // Built arithmetically, not through memory: storing two u32 words into a scratch double and
  // loading it back stalls on store forwarding (measured 1.6x slower per value), and a DataView
  // per input costs more than the record's eight values. Both steps are exact: the significand
  // is an integer below 2^53 and scaling by a power of two never rounds.
  // Words as int32 (sign in bit 31), not u32At's double: V8 keeps the bit operations in integer
  // registers instead of converting back and forth.
  const hi = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  const exp = (hi >>> 20) & 0x7ff;
  if (exp === 0x7ff) {
    // NaN or ±Infinity: callers reject them, so the slow exact path is fine here.
    f64Words[HI] = hi;
    f64Words[LO] = u32At(b, at + 4);
    return f64[0]!;
  }
  const lo = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
  // The implicit leading 1 (bit 20 of the high word) is present unless the number is subnormal.
  const significand = ((hi & 0xf_ffff) | (exp === 0 ? 0 : 0x10_0000)) * TWO_POW_32 + lo;
  const v = significand * POW2[exp]!;
  return hi < 0 ? -v : v;
}

/** Big-endian u32 at b[at..at+4) (the caller has bounds-checked). */
export function u32At(b: Uint8Array, at: number): number {
  return b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/** Big-endian u64 at b[at..at+8) as a safe integer; BadValue above 2^53-1 (caller bounds-checked). */
export function getU64(b: Uint8Array, at: number, field: string): number {
  const hi = u32At(b, at);
  if (hi > MAX_SAFE_HIGH) throw u64Error(CodecErrorCode.BadValue, field, 'u64 above 2^53-1', { at });
  return hi * TWO_POW_32 + u32At(b, at + 4);
}

// Errors are built out of line throughout this file: a template literal and an object literal in
// a hot function's body count against V8's inlining budget even when they never run.
function u64Error(
  code: CodecErrorCode,
  field: string,
  message: string,
  meta: Record<string, string | number>,
): CodecError {
  return new CodecError(code, `${field}: ${message}`, { field, ...meta });
}

/** Writes a safe non-negative integer as a big-endian u64; InvalidInput otherwise. */
export function putU64(b: Uint8Array, at: number, v: number, field: string): void {
  if (!Number.isSafeInteger(v) || v < 0)
    throw u64Error(CodecErrorCode.InvalidInput, field, 'not a u64 <= 2^53-1', { value: String(v) });
  putU32(b, at, Math.floor(v / TWO_POW_32));
  putU32(b, at + 4, v >>> 0);
}

/** Big-endian u32 at b[at..at+4). */
export function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}
