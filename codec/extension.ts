// The extending part of a KPI record (Table 10-1): a sequence of TLV items, type u8 (1..255),
// length u16, value. Canonical: types strictly ascending (so no repeats), nothing after the last
// item. The record carries the extending part as one byte view; these helpers build and split it.
import { MAX_EXTENSION_BYTES } from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { Reader } from './reader.js';
import { checkInt, Writer } from './writer.js';

export interface ExtensionItem {
  type: number;
  /** View over the extending part. */
  value: Uint8Array;
}

/** Splits an extending part into items, checking it is canonical. Throws CodecError. */
export function decodeExtension(ext: Uint8Array): ExtensionItem[] {
  const items: ExtensionItem[] = [];
  if (ext.length > MAX_EXTENSION_BYTES)
    throw new CodecError(CodecErrorCode.Oversized, 'extension over cap', {
      field: 'extension',
      n: ext.length,
    });
  const r = new Reader(ext);
  let last = 0;
  while (r.remaining() > 0) {
    const type = r.u8('extension.type');
    if (type <= last)
      throw new CodecError(CodecErrorCode.BadValue, 'extension: types not strictly ascending', {
        field: 'extension.type',
        type,
      });
    last = type;
    items.push({ type, value: r.bytes16(0, MAX_EXTENSION_BYTES, 'extension.value') });
  }
  return items;
}

/** Builds a canonical extending part; items must be in strictly ascending type order. */
export function encodeExtension(items: ExtensionItem[]): Uint8Array {
  const w = new Writer(64);
  let last = 0;
  for (const { type, value } of items) {
    checkInt(type, last + 1, 255, 'extension.type');
    last = type;
    w.u8(type).bytes16(value, 0, MAX_EXTENSION_BYTES, 'extension.value');
  }
  const out = w.finish();
  if (out.length > MAX_EXTENSION_BYTES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'extension over cap', { field: 'extension' });
  return out;
}

/**
 * Validates the extending part ext[from, to) without building items or a view (the record
 * codec's hot path checks it in place).
 */
export function checkExtension(ext: Uint8Array, from: number, to: number, code: CodecErrorCode): void {
  let at = from;
  let last = 0;
  while (at < to) {
    const type = ext[at]!;
    if (type <= last || at + 3 > to) throw extensionError(code, at - from);
    const len = (ext[at + 1]! << 8) | ext[at + 2]!;
    at += 3 + len;
    if (at > to) throw extensionError(code, at - from);
    last = type;
  }
}

function extensionError(code: CodecErrorCode, at: number): CodecError {
  return new CodecError(code, 'extension: not a canonical TLV sequence', { field: 'extension', at });
}
