// Sealed packet (Y.4907 Table 10-2): what a site uploads, readable only by the SCP.
//  0 version u8 | 1 alg u8 | 2 scpKeyId 16 | 18 keyRef (32 for EphemeralX25519, 16 for SessionKey) |
//  nonce 12 | encryptedDigest 112 | encryptedRecord length u16 | encryptedRecord.
// The digest and the site's signature over it travel only inside encryptedDigest, never in clear.
import {
  ENCRYPTED_DIGEST_BYTES,
  KEY_ID_BYTES,
  MAX_ENCRYPTED_RECORD_BYTES,
  MAX_PACKET_BYTES,
  MIN_ENCRYPTED_RECORD_BYTES,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import { SealAlgorithm, type SealedPacket } from './types.js';
import { Writer } from './writer.js';

/** Bytes of the key reference each algorithm carries. */
export function keyRefBytes(alg: SealAlgorithm): number {
  if (alg === SealAlgorithm.EphemeralX25519) return PUBLIC_KEY_BYTES;
  if (alg === SealAlgorithm.SessionKey) return KEY_ID_BYTES;
  throw new CodecError(CodecErrorCode.InvalidInput, 'packet.alg: unknown', { field: 'packet.alg' });
}

export function sealedPacketSize(p: SealedPacket): number {
  return (
    2 +
    KEY_ID_BYTES +
    keyRefBytes(p.alg) +
    NONCE_BYTES +
    ENCRYPTED_DIGEST_BYTES +
    2 +
    p.encryptedRecord.length
  );
}

export function encodeSealedPacket(p: SealedPacket): Uint8Array {
  const w = new Writer(sealedPacketSize(p));
  w.u8(WIRE_VERSION).u8(p.alg, 'packet.alg');
  w.bytes(p.scpKeyId, KEY_ID_BYTES, 'packet.scpKeyId');
  w.bytes(p.keyRef, keyRefBytes(p.alg), 'packet.keyRef');
  w.bytes(p.nonce, NONCE_BYTES, 'packet.nonce');
  w.bytes(p.encryptedDigest, ENCRYPTED_DIGEST_BYTES, 'packet.encryptedDigest');
  w.bytes16(
    p.encryptedRecord,
    MIN_ENCRYPTED_RECORD_BYTES,
    MAX_ENCRYPTED_RECORD_BYTES,
    'packet.encryptedRecord',
  );
  return w.finish();
}

export function decodeSealedPacket(b: Uint8Array): SealedPacket {
  checkInputSize(b, MAX_PACKET_BYTES, 'packet');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'packet.version');
  const alg: SealAlgorithm = r.enumU8(SealAlgorithm.EphemeralX25519, SealAlgorithm.SessionKey, 'packet.alg');
  const scpKeyId = r.bytes(KEY_ID_BYTES, 'packet.scpKeyId');
  const keyRef = r.bytes(keyRefBytes(alg), 'packet.keyRef');
  const nonce = r.bytes(NONCE_BYTES, 'packet.nonce');
  const encryptedDigest = r.bytes(ENCRYPTED_DIGEST_BYTES, 'packet.encryptedDigest');
  const encryptedRecord = r.bytes16(
    MIN_ENCRYPTED_RECORD_BYTES,
    MAX_ENCRYPTED_RECORD_BYTES,
    'packet.encryptedRecord',
  );
  r.end('packet');
  return { alg, scpKeyId, keyRef, nonce, encryptedRecord, encryptedDigest };
}
