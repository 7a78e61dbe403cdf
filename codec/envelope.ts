// Transaction envelopes: what the chain admits. docs/wire-format.md §Envelope.
//  0 version u8 | 1 kind u8 | 2 chainId 32 | 34 signerKeyId 16 | 50 seq u64 | 58 time u64 |
// 66 body (by kind) | signature 64 (always the last 64 bytes).
// The signed region is everything before the signature: one contiguous view, verified in place.
// Upload body: routing (country u16, city 9, siteId 16, kpiCodes u16 count + u16 each) |
// packet length u16 | packet. Contract-call body: see contract-call.ts.
import {
  HASH_BYTES,
  KEY_ID_BYTES,
  MAX_ENVELOPE_BYTES,
  MAX_PACKET_BYTES,
  MAX_ROUTING_KPI_CODES,
  MAX_SAFE_U64,
  SIGNATURE_BYTES,
  SITE_ID_BYTES,
  WIRE_VERSION,
} from './caps.js';
import { CITY_BYTES, readCity, writeCity } from './city.js';
import { contractCallSize, readContractCall, writeContractCall } from './contract-call.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { checkCountry } from './kpi-record.js';
import { kpiCodesSize, readKpiCodes, writeKpiCodes } from './lists.js';
import { checkInputSize, Reader, readVersion } from './reader.js';
import { decodeSealedPacket } from './sealed-packet.js';
import { type Envelope, EnvelopeKind, type Routing } from './types.js';
import { Writer } from './writer.js';

/** Offsets of the common header fields. */
export const ENVELOPE_OFFSET = { kind: 1, chainId: 2, signerKeyId: 34, seq: 50, time: 58, body: 66 } as const;
export const ENVELOPE_HEADER_BYTES = ENVELOPE_OFFSET.body;

/** The header fields an upload's AAD binds (everything of the envelope before the packet). */
export interface UploadHeader {
  chainId: Uint8Array;
  signerKeyId: Uint8Array;
  seq: number;
  time: number;
  routing: Routing;
}

function routingSize(r: Routing): number {
  return 2 + CITY_BYTES + SITE_ID_BYTES + kpiCodesSize(r.kpiCodes);
}

function writeHeader(w: Writer, kind: EnvelopeKind, h: Omit<UploadHeader, 'routing'>): void {
  w.u8(WIRE_VERSION).u8(kind);
  w.bytes(h.chainId, HASH_BYTES, 'envelope.chainId');
  w.bytes(h.signerKeyId, KEY_ID_BYTES, 'envelope.signerKeyId');
  w.u64(h.seq, 'envelope.seq').u64(h.time, 'envelope.time');
  if (h.seq < 1)
    throw new CodecError(CodecErrorCode.InvalidInput, 'envelope.seq: starts at 1', { field: 'seq' });
}

function writeRouting(w: Writer, r: Routing): void {
  w.u16(checkCountry(r.country, CodecErrorCode.InvalidInput));
  writeCity(w, r.city);
  w.bytes(r.siteId, SITE_ID_BYTES, 'routing.siteId');
  writeKpiCodes(w, r.kpiCodes, MAX_ROUTING_KPI_CODES, 'routing.kpiCodes');
}

export function readRouting(r: Reader): Routing {
  return {
    country: checkCountry(r.u16('routing.country'), CodecErrorCode.BadValue),
    city: readCity(r),
    siteId: r.bytes(SITE_ID_BYTES, 'routing.siteId'),
    kpiCodes: readKpiCodes(r, MAX_ROUTING_KPI_CODES, 'routing.kpiCodes'),
  };
}

/**
 * AES-GCM associated data of an upload's packet: the envelope's bytes from its start through the
 * routing metadata. The sealer builds it before the envelope exists; the opener takes the same
 * bytes from the envelope as a view (envelopeAadView).
 */
export function envelopeAad(h: UploadHeader): Uint8Array {
  const w = new Writer(ENVELOPE_HEADER_BYTES + routingSize(h.routing));
  writeHeader(w, EnvelopeKind.KpiUpload, h);
  writeRouting(w, h.routing);
  return w.finish();
}

export function envelopeSize(env: Envelope): number {
  const body =
    env.kind === EnvelopeKind.KpiUpload
      ? routingSize(env.routing) + 2 + env.packet.length
      : contractCallSize(env.call);
  return ENVELOPE_HEADER_BYTES + body + SIGNATURE_BYTES;
}

/** Encodes an envelope. To sign: encode with a zero signature, sign envelopeSignedRegion, setEnvelopeSignature. */
export function encodeEnvelope(env: Envelope): Uint8Array {
  const w = new Writer(envelopeSize(env));
  if (env.kind === EnvelopeKind.KpiUpload) {
    writeHeader(w, env.kind, env);
    writeRouting(w, env.routing);
    decodeSealedPacket(env.packet); // only well-formed packets go on the wire
    w.bytes16(env.packet, 0, MAX_PACKET_BYTES, 'envelope.packet');
  } else if (env.kind === EnvelopeKind.ContractCall) {
    writeHeader(w, env.kind, env);
    writeContractCall(w, env.call);
  } else throw new CodecError(CodecErrorCode.InvalidInput, 'envelope.kind: unknown', { field: 'kind' });
  w.bytes(env.signature, SIGNATURE_BYTES, 'envelope.signature');
  const out = w.finish();
  if (out.length > MAX_ENVELOPE_BYTES)
    throw new CodecError(CodecErrorCode.InvalidInput, 'envelope over cap', {
      field: 'envelope',
      n: out.length,
    });
  return out;
}

export function decodeEnvelope(b: Uint8Array): Envelope {
  checkInputSize(b, MAX_ENVELOPE_BYTES, 'envelope');
  const r = new Reader(b);
  readVersion(r, WIRE_VERSION, 'envelope.version');
  const kind = r.enumU8(EnvelopeKind.KpiUpload, EnvelopeKind.ContractCall, 'envelope.kind');
  const chainId = r.bytes(HASH_BYTES, 'envelope.chainId');
  const signerKeyId = r.bytes(KEY_ID_BYTES, 'envelope.signerKeyId');
  const seq = r.length(r.u64('envelope.seq'), 1, MAX_SAFE_U64, 'envelope.seq');
  const time = r.u64('envelope.time');
  let env: Envelope;
  if (kind === EnvelopeKind.KpiUpload) {
    const routing = readRouting(r);
    const packet = r.bytes16(0, MAX_PACKET_BYTES, 'envelope.packet');
    decodeSealedPacket(packet);
    const signature = r.bytes(SIGNATURE_BYTES, 'envelope.signature');
    env = { kind, chainId, signerKeyId, seq, time, routing, packet, signature };
  } else {
    const call = readContractCall(r);
    const signature = r.bytes(SIGNATURE_BYTES, 'envelope.signature');
    env = { kind, chainId, signerKeyId, seq, time, call, signature };
  }
  r.end('envelope');
  return env;
}
