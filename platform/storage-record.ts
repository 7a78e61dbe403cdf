// Building and checking Table 10-3 storage records. The check code is SHA-256 over the domain tag
// and every byte before it (codec's storageCheckInput), so any edit of a stored record — a data or
// block recorder moved, a chain URL changed, the city data swapped — no longer matches it.

import { storageCheckInput } from '../codec/signing.js';
import { encodeStorageRecord } from '../codec/storage-record.js';
import type { StorageRecord } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { sha256 } from '../crypto/hash.js';

const CHECK_BYTES = 32;

/** Encodes a record with its check code computed over the rest. */
export function makeStorageRecord(fields: Omit<StorageRecord, 'checkCode'>): Uint8Array {
  const encoded = encodeStorageRecord({ ...fields, checkCode: new Uint8Array(CHECK_BYTES) });
  encoded.set(sha256(storageCheckInput(encoded)), encoded.length - CHECK_BYTES);
  return encoded;
}

/** True when the encoded record's check code is the hash of its other bytes. */
export function checkCodeMatches(encoded: Uint8Array): boolean {
  if (encoded.length <= CHECK_BYTES) return false;
  return bytesEqual(sha256(storageCheckInput(encoded)), encoded.subarray(encoded.length - CHECK_BYTES));
}

/** The chain's URL when the config names none: bkdms://<chain ID hex>. */
export function defaultChainUrl(chainId: Uint8Array): string {
  return `bkdms://${Buffer.from(chainId).toString('hex')}`;
}
