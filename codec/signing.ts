// Signing bytes and hash inputs of everything the ledger signs or hashes, defined apart from the
// wire layouts (docs/wire-format.md §Signing bytes). Each is an ASCII domain tag
// "BKDMS/v1/<name>\0" followed by the fields, so a signature made for one purpose can never be
// replayed as another. codec/ cannot hash (crypto/ sits above it): these are byte strings that
// crypto/ hashes or signs. Envelopes are the one exception, see envelopeSigningBytes.
import {
  BLOCK_HEADER_BYTES,
  HASH_BYTES,
  MAX_RECORD_BYTES,
  MAX_SAFE_U64,
  MAX_STORAGE_RECORD_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInt } from './writer.js';

/** "BKDMS/v1/<name>\0" as bytes. Names are lower-case ASCII; every tag starts with 0x42 ('B'). */
export function domainTag(name: string): Uint8Array {
  if (!/^[a-z][a-z0-9-]*$/.test(name))
    throw new CodecError(CodecErrorCode.InvalidInput, `bad domain name ${name}`, { field: 'domain' });
  const s = `BKDMS/v1/${name}\0`;
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export const DOMAIN_KPI_RECORD = domainTag('kpi-record');
export const DOMAIN_KPI_DIGEST = domainTag('kpi-digest');
export const DOMAIN_BLOCK_HEADER = domainTag('block-header');
export const DOMAIN_COMMIT = domainTag('commit');
export const DOMAIN_STORAGE_CHECK = domainTag('storage-check');

/** tag || parts..., in one allocation. */
export function withDomain(tag: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  let n = tag.length;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out.set(tag, 0);
  let at = tag.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkLen(b: Uint8Array, min: number, max: number, field: string): void {
  if (!(b instanceof Uint8Array) || b.length < min || b.length > max)
    throw new CodecError(CodecErrorCode.InvalidInput, `${field}: length not in [${min}, ${max}]`, { field });
}

/** Input of the KPI digest: the site hashes this to get the digest it signs. */
export function kpiRecordHashInput(encodedRecord: Uint8Array): Uint8Array {
  checkLen(encodedRecord, 1, MAX_RECORD_BYTES, 'record');
  return withDomain(DOMAIN_KPI_RECORD, encodedRecord);
}

/** What the site signs inside the sealed packet: tag || digest (32). */
export function kpiDigestSigningBytes(digest: Uint8Array): Uint8Array {
  checkLen(digest, HASH_BYTES, HASH_BYTES, 'digest');
  return withDomain(DOMAIN_KPI_DIGEST, digest);
}

/** Block hash input: tag || the 223-byte encoded header. Block hash = SHA-256 of this. */
export function blockHeaderHashInput(encodedHeader: Uint8Array): Uint8Array {
  checkLen(encodedHeader, BLOCK_HEADER_BYTES, BLOCK_HEADER_BYTES, 'header');
  return withDomain(DOMAIN_BLOCK_HEADER, encodedHeader);
}

/**
 * What a validator signs to COMMIT a block: tag || version u8 || chainId 32 || view u64 ||
 * height u64 || blockHash 32. Rebuilt offline from a CommitCertificate and its block's chainId.
 */
export function commitSigningBytes(
  chainId: Uint8Array,
  view: number,
  height: number,
  blockHash: Uint8Array,
): Uint8Array {
  checkLen(chainId, HASH_BYTES, HASH_BYTES, 'chainId');
  checkLen(blockHash, HASH_BYTES, HASH_BYTES, 'blockHash');
  checkInt(view, 0, MAX_SAFE_U64, 'view');
  checkInt(height, 0, MAX_SAFE_U64, 'height');
  const t = DOMAIN_COMMIT.length;
  const out = new Uint8Array(t + 1 + HASH_BYTES + 8 + 8 + HASH_BYTES);
  const dv = new DataView(out.buffer);
  out.set(DOMAIN_COMMIT, 0);
  out[t] = WIRE_VERSION;
  out.set(chainId, t + 1);
  dv.setBigUint64(t + 1 + HASH_BYTES, BigInt(view));
  dv.setBigUint64(t + 9 + HASH_BYTES, BigInt(height));
  out.set(blockHash, t + 17 + HASH_BYTES);
  return out;
}

/**
 * Check-code input of a storage record: tag || every byte of the encoded record before the
 * check code (which is its last 32 bytes). Check code = SHA-256 of this.
 */
export function storageCheckInput(encodedStorageRecord: Uint8Array): Uint8Array {
  checkLen(encodedStorageRecord, HASH_BYTES + 1, MAX_STORAGE_RECORD_BYTES, 'storageRecord');
  return withDomain(
    DOMAIN_STORAGE_CHECK,
    encodedStorageRecord.subarray(0, encodedStorageRecord.length - HASH_BYTES),
  );
}
