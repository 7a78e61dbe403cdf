// Lazy envelope readers for admission and indexing: each reads one field at its documented
// offset after checking the version byte and the minimum length, without decoding the rest.
// They do not prove the envelope is well-formed (decodeEnvelope does); admission runs them to
// route and to reject cheaply, then decodes in full before a node accepts the envelope.
import {
  HASH_BYTES,
  KEY_ID_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_PACKET_BYTES,
  SIGNATURE_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { ENVELOPE_HEADER_BYTES, ENVELOPE_OFFSET, readRouting } from './envelope.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import { EnvelopeKind, type Routing } from './types.js';

function open(b: Uint8Array, at: number): Reader {
  checkInputSize(b, MAX_ENVELOPE_BYTES, 'envelope');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'envelope.version');
  r.enumU8(EnvelopeKind.KpiUpload, EnvelopeKind.ContractCall, 'envelope.kind');
  r.ensure(ENVELOPE_HEADER_BYTES + SIGNATURE_BYTES - 2, 'envelope');
  r.pos = at;
  return r;
}

export function envelopeKind(b: Uint8Array): EnvelopeKind {
  return open(b, ENVELOPE_OFFSET.kind).u8();
}

/** View of the 32-byte chain ID. */
export function envelopeChainId(b: Uint8Array): Uint8Array {
  return open(b, ENVELOPE_OFFSET.chainId).bytes(HASH_BYTES);
}

/** View of the signer's 16-byte key ID. */
export function envelopeSignerKeyId(b: Uint8Array): Uint8Array {
  return open(b, ENVELOPE_OFFSET.signerKeyId).bytes(KEY_ID_BYTES);
}

export function envelopeSeq(b: Uint8Array): number {
  return open(b, ENVELOPE_OFFSET.seq).u64('envelope.seq');
}

export function envelopeTime(b: Uint8Array): number {
  return open(b, ENVELOPE_OFFSET.time).u64('envelope.time');
}

function openUpload(b: Uint8Array): Reader {
  const r = open(b, ENVELOPE_OFFSET.body);
  if (b[ENVELOPE_OFFSET.kind] !== EnvelopeKind.KpiUpload)
    throw new CodecError(CodecErrorCode.BadEnum, 'envelope: not a KPI upload', { field: 'envelope.kind' });
  return r;
}

/** Clear routing metadata of an upload (country, city, site, KPI codes), for indexing. */
export function envelopeRouting(b: Uint8Array): Routing {
  return readRouting(openUpload(b));
}

/** View of an upload's AAD: its bytes from the start through the routing (= envelopeAad(header)). */
export function envelopeAadView(b: Uint8Array): Uint8Array {
  const r = openUpload(b);
  readRouting(r);
  return b.subarray(0, r.pos);
}

/** View of an upload's encoded sealed packet. */
export function envelopePacket(b: Uint8Array): Uint8Array {
  const r = openUpload(b);
  readRouting(r);
  return r.bytes16(0, MAX_PACKET_BYTES, 'envelope.packet');
}

/**
 * The envelope's signing bytes: every byte before the signature, as a view (verified in place).
 * Domain separation comes from the first byte: an envelope starts with its version (0x01), every
 * other signing string starts with "BKDMS/" (0x42), so no envelope signature verifies as anything else.
 */
export function envelopeSignedRegion(b: Uint8Array): Uint8Array {
  open(b, 0);
  return b.subarray(0, b.length - SIGNATURE_BYTES);
}

/** View of the 64-byte signature (the envelope's last bytes). */
export function envelopeSignature(b: Uint8Array): Uint8Array {
  open(b, 0);
  return b.subarray(b.length - SIGNATURE_BYTES);
}

/** Writes a signature into an encoded envelope in place (after signing its signed region). */
export function setEnvelopeSignature(b: Uint8Array, signature: Uint8Array): void {
  open(b, 0);
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'signature: need 64 bytes', { field: 'signature' });
  b.set(signature, b.length - SIGNATURE_BYTES);
}
