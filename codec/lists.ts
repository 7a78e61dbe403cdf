// Counted lists shared by several layouts: KPI code lists (u16 count, then u16 codes strictly
// ascending, so one encoding per set) and public-key lists (u16 count, then 32 bytes each, in the
// order given, which is meaningful: validator indexes; no key twice, since a set with a repeated
// key is not the set it claims to be and quorums over it would count one signer twice).
import { PUBLIC_KEY_BYTES } from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import type { Reader } from './reader.js';
import { checkInt, type Writer } from './writer.js';

export function kpiCodesSize(codes: number[]): number {
  return 2 + 2 * codes.length;
}

export function readKpiCodes(r: Reader, cap: number, field: string): number[] {
  const n = r.length(r.u16(field), 1, cap, field);
  const at = r.need(2 * n, field);
  const b = r.buf;
  const codes: number[] = new Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const c = (b[at + 2 * i]! << 8) | b[at + 2 * i + 1]!;
    if (c <= prev)
      throw new CodecError(CodecErrorCode.BadValue, `${field}: zero or not strictly ascending`, {
        field,
        code: c,
      });
    codes[i] = prev = c;
  }
  return codes;
}

export function writeKpiCodes(w: Writer, codes: number[], cap: number, field: string): void {
  if (!Array.isArray(codes))
    throw new CodecError(CodecErrorCode.InvalidInput, `${field}: not an array`, { field });
  checkInt(codes.length, 1, cap, field);
  w.u16(codes.length, field);
  let prev = 0;
  for (const c of codes) {
    checkInt(c, prev + 1, 0xffff, field);
    w.u16(c, field);
    prev = c;
  }
}

export function keysSize(keys: Uint8Array[]): number {
  return 2 + PUBLIC_KEY_BYTES * keys.length;
}

/** Index of the first key equal to an earlier one, or -1 (lists are capped at a few hundred keys). */
function repeatedKey(keys: Uint8Array[]): number {
  const seen = new Set<string>();
  for (let i = 0; i < keys.length; i++) {
    // One character per byte: a lossless set key for 32 bytes.
    const id = String.fromCharCode(...keys[i]!);
    if (seen.has(id)) return i;
    seen.add(id);
  }
  return -1;
}

export function readKeys(r: Reader, cap: number, field: string): Uint8Array[] {
  const n = r.length(r.u16(field), 1, cap, field);
  r.ensure(PUBLIC_KEY_BYTES * n, field); // before allocating the array
  const keys: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = r.bytes(PUBLIC_KEY_BYTES, field);
  const dup = repeatedKey(keys);
  if (dup >= 0)
    throw new CodecError(CodecErrorCode.BadValue, `${field}: key ${dup} repeats an earlier key`, {
      field,
      index: dup,
    });
  return keys;
}

export function writeKeys(w: Writer, keys: Uint8Array[], cap: number, field: string): void {
  if (!Array.isArray(keys))
    throw new CodecError(CodecErrorCode.InvalidInput, `${field}: not an array`, { field });
  checkInt(keys.length, 1, cap, field);
  w.u16(keys.length, field);
  for (const k of keys) w.bytes(k, PUBLIC_KEY_BYTES, field);
  // After the length checks: every key is 32 bytes here.
  const dup = repeatedKey(keys);
  if (dup >= 0)
    throw new CodecError(CodecErrorCode.InvalidInput, `${field}: key ${dup} repeats an earlier key`, {
      field,
      index: dup,
    });
}
