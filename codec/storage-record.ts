// Storage record (Y.4907 Table 10-3), what the SCP stores per extracted packet.
//  0 version u8 | 1 data.height u64 | 9 data.index u32 | 13 data.offset u32 | 17 data.length u32 |
// 21 block.segment u32 | 25 block.offset u64 | 33 block.length u32 | 37 tracingCode 32 |
// 69 chainUrl length u16 | chainUrl (printable ASCII) | cityData length u16 | cityData (a sealed
// packet) | checkCode 32 (always last, so its input is the contiguous prefix, see signing.ts).
import {
  HASH_BYTES,
  MAX_CHAIN_URL_BYTES,
  MAX_PACKET_BYTES,
  MAX_STORAGE_RECORD_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import { decodeSealedPacket } from './sealed-packet.js';
import type { StorageRecord } from './types.js';
import { Writer } from './writer.js';

const FIXED_BYTES = 69 + 2 + 2 + HASH_BYTES;

function isUrlByte(c: number): boolean {
  return c >= 0x21 && c <= 0x7e;
}

export function encodeStorageRecord(s: StorageRecord): Uint8Array {
  const url = s.chainUrl;
  if (typeof url !== 'string' || url.length < 1 || url.length > MAX_CHAIN_URL_BYTES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'chainUrl: length', { field: 'chainUrl' });
  const urlBytes = new Uint8Array(url.length);
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (!isUrlByte(c))
      throw new CodecError(CodecErrorCode.InvalidInput, 'chainUrl: not printable ASCII', { at: i });
    urlBytes[i] = c;
  }
  decodeSealedPacket(s.cityData); // only a well-formed packet is stored
  const w = new Writer(FIXED_BYTES + urlBytes.length + s.cityData.length);
  const { data, block } = s;
  w.u8(WIRE_VERSION).u64(data.height, 'data.height').u32(data.index, 'data.index');
  w.u32(data.offset, 'data.offset').u32(data.length, 'data.length');
  w.u32(block.segment, 'block.segment').u64(block.offset, 'block.offset').u32(block.length, 'block.length');
  w.bytes(s.tracingCode, HASH_BYTES, 'tracingCode');
  w.bytes16(urlBytes, 1, MAX_CHAIN_URL_BYTES, 'chainUrl');
  w.bytes16(s.cityData, 1, MAX_PACKET_BYTES, 'cityData');
  w.bytes(s.checkCode, HASH_BYTES, 'checkCode');
  return w.finish();
}

export function decodeStorageRecord(b: Uint8Array): StorageRecord {
  checkInputSize(b, MAX_STORAGE_RECORD_BYTES, 'storageRecord');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'storageRecord.version');
  const data = {
    height: r.u64('data.height'),
    index: r.u32('data.index'),
    offset: r.u32('data.offset'),
    length: r.u32('data.length'),
  };
  const block = {
    segment: r.u32('block.segment'),
    offset: r.u64('block.offset'),
    length: r.u32('block.length'),
  };
  const tracingCode = r.bytes(HASH_BYTES, 'tracingCode');
  const url = r.bytes16(1, MAX_CHAIN_URL_BYTES, 'chainUrl');
  let chainUrl = '';
  for (let i = 0; i < url.length; i++) {
    const c = url[i]!;
    if (!isUrlByte(c))
      throw new CodecError(CodecErrorCode.BadValue, 'chainUrl: not printable ASCII', {
        field: 'chainUrl',
        at: i,
      });
    chainUrl += String.fromCharCode(c);
  }
  const cityData = r.bytes16(1, MAX_PACKET_BYTES, 'cityData');
  decodeSealedPacket(cityData);
  const checkCode = r.bytes(HASH_BYTES, 'checkCode');
  r.end('storageRecord');
  return { data, block, cityData, chainUrl, tracingCode, checkCode };
}
