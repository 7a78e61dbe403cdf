// Counted lists shared by several layouts: KPI code lists (u16 count, then u16 codes strictly
// ascending, so one encoding per set) and public-key lists (u16 count, then 32 bytes each).
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

export function readKeys(r: Reader, cap: number, field: string): Uint8Array[] {
  const n = r.length(r.u16(field), 1, cap, field);
  r.ensure(PUBLIC_KEY_BYTES * n, field); // before allocating the array
  const keys: Uint8Array[] = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = r.bytes(PUBLIC_KEY_BYTES, field);
  return keys;
}

export function writeKeys(w: Writer, keys: Uint8Array[], cap: number, field: string): void {
  if (!Array.isArray(keys))
    throw new CodecError(CodecErrorCode.InvalidInput, `${field}: not an array`, { field });
  checkInt(keys.length, 1, cap, field);
  w.u16(keys.length, field);
  for (const k of keys) w.bytes(k, PUBLIC_KEY_BYTES, field);
}
