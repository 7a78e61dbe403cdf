// Hex of key IDs, kept per signer: the contract state is keyed by a signer's key ID in hex, so
// admission, block building and execution each turned the same 16 bytes of every envelope into a
// new 32-character string (five per upload on a node alone; 2-4% of its main thread with the
// garbage the strings and their Buffer views left). A site uploads thousands of envelopes under
// one key ID, so the string is made once per signer and looked up by the ID's first bytes.
import { toHex } from './bytes.js';
import { KEY_ID_LENGTH } from './key-id.js';

/** Signers remembered; past this the table starts again empty (one hex string each, ~100 bytes). */
export const KEY_ID_HEX_CAPACITY = 4096;

interface Known {
  id: Uint8Array;
  hex: string;
}

/** First 30 bits of the ID -> the ID seen with them. IDs are hash prefixes, so these spread evenly. */
const known = new Map<number, Known>();

/** toHex(keyId), the same string each time for a 16-byte key ID seen recently. */
export function hexOfKeyId(keyId: Uint8Array): string {
  if (keyId.length !== KEY_ID_LENGTH) return toHex(keyId);
  const slot = (keyId[0]! | (keyId[1]! << 8) | (keyId[2]! << 16) | ((keyId[3]! & 0x3f) << 24)) >>> 0;
  const k = known.get(slot);
  if (k !== undefined && sameId(k.id, keyId)) return k.hex;
  const hex = toHex(keyId);
  // Another ID with the same first 30 bits (rare, or chosen): it keeps its slot; this one is made each time.
  if (k !== undefined) return hex;
  if (known.size >= KEY_ID_HEX_CAPACITY) known.clear();
  known.set(slot, { id: Uint8Array.from(keyId), hex });
  return hex;
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < KEY_ID_LENGTH; i++) if (a[i] !== b[i]) return false;
  return true;
}
