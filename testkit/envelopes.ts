// Synthetic sites and their signed, sealed KPI upload envelopes, for the load harness and the
// integration tests: real records, real sealing for the SCP key, real site signatures.
import { ENVELOPE_OFFSET, encodeEnvelope, envelopeAad } from '../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../codec/envelope-view.js';
import { encodeKpiRecord } from '../codec/kpi-record.js';
import { putU64 } from '../codec/primitives.js';
import { encodeSealedPacket } from '../codec/sealed-packet.js';
import { CityScheme, EnvelopeKind, type KpiRecord, SealAlgorithm } from '../codec/types.js';
import { type Ed25519KeyPair, generateEd25519, sign } from '../crypto/ed25519.js';
import { keyIdOf } from '../crypto/key-id.js';
import { sealKpiRecord } from '../crypto/seal.js';

export interface SyntheticSite {
  key: Ed25519KeyPair;
  /** IPv4-mapped address 10.0.x.y as a string (genesis form). */
  address: string;
  siteId: Uint8Array;
  country: number;
  city: { scheme: CityScheme; code: string };
}

/** Air pollution (EN: EN: AQ: 1C, wire 21101) series 0..1 and water consumption (21202). */
export const SYNTHETIC_KPIS = [21101, 21202];

/** Site i of a synthetic set (address 10.0.a.b from i) with the given key. */
export function syntheticSite(i: number, key: Ed25519KeyPair): SyntheticSite {
  const a = 1 + Math.floor(i / 250);
  const b = 1 + (i % 250);
  const siteId = new Uint8Array(16);
  siteId.set([0xff, 0xff, 10, 0, a, b], 10);
  return {
    key,
    address: `10.0.${a}.${b}`,
    siteId,
    country: 756,
    city:
      i % 2 === 0
        ? { scheme: CityScheme.UnLocode, code: 'CHGVA' }
        : { scheme: CityScheme.UnLocode, code: 'CHZRH' },
  };
}

export function syntheticSites(count: number): SyntheticSite[] {
  return Array.from({ length: count }, (_, i) => syntheticSite(i, generateEd25519()));
}

/** A site entry of a genesis file (node/genesis.ts `GenesisFile['sites']`), in its JSON form. */
export interface GenesisSiteEntry {
  publicKey: string;
  country: number;
  city: string;
  siteId: string;
  kpis: number[];
}

/** The genesis entries registering these sites. */
export function genesisSites(sites: SyntheticSite[]): GenesisSiteEntry[] {
  return sites.map((s) => ({
    publicKey: Buffer.from(s.key.publicKey).toString('hex'),
    country: s.country,
    city: `locode:${s.city.code}`,
    siteId: s.address,
    kpis: SYNTHETIC_KPIS,
  }));
}

export function syntheticRecord(site: SyntheticSite, time: number, value: number): KpiRecord {
  return {
    country: site.country,
    city: site.city,
    siteId: site.siteId,
    time,
    entries: [
      { code: 21101, series: 0, value, flags: 0 },
      { code: 21101, series: 1, value: value / 2, flags: 0 },
      { code: 21202, series: 0, value: 150 + (value % 50), flags: 0 },
    ],
    extension: new Uint8Array(0),
  };
}

/** A signed KpiUpload envelope whose packet is sealed (ephemeral X25519) for the SCP key. */
export function syntheticEnvelope(
  site: SyntheticSite,
  chainId: Uint8Array,
  scpPublicKey: Uint8Array,
  seq: number,
  time: number,
): Uint8Array {
  const record = syntheticRecord(site, time, 10 + (seq % 90));
  const header = {
    chainId,
    signerKeyId: keyIdOf(site.key.publicKey),
    seq,
    time,
    routing: { country: site.country, city: site.city, siteId: site.siteId, kpiCodes: SYNTHETIC_KPIS },
  };
  const packet = sealKpiRecord(site.key, encodeKpiRecord(record), envelopeAad(header), {
    alg: SealAlgorithm.EphemeralX25519,
    scpPublicKey,
  });
  const env = encodeEnvelope({
    kind: EnvelopeKind.KpiUpload,
    ...header,
    packet: encodeSealedPacket(packet),
    signature: new Uint8Array(64),
  });
  setEnvelopeSignature(env, sign(site.key, envelopeSignedRegion(env)));
  return env;
}

/**
 * `count` envelopes of one site with sequence numbers firstSeq.., fast enough to pre-generate a
 * whole load run: the first is sealed and signed like syntheticEnvelope; the others reuse its
 * sealed packet and differ in seq and time, each with its own site signature. Nodes cannot open
 * packets, so they do exactly the work of real uploads; only an SCP opening them would notice the
 * packet's AAD names the first envelope's header (sealing is the site's cost, not the chain's).
 */
export function siteLoad(
  site: SyntheticSite,
  chainId: Uint8Array,
  scpPublicKey: Uint8Array,
  firstSeq: number,
  count: number,
  time: number,
): Uint8Array[] {
  if (count <= 0) return [];
  const template = syntheticEnvelope(site, chainId, scpPublicKey, firstSeq, time);
  const out = [template];
  for (let k = 1; k < count; k++) out.push(resignedCopy(site, template, firstSeq + k, time + k));
  return out;
}

/** A copy of a site's envelope with another seq and time, signed again by the site. */
export function resignedCopy(
  site: SyntheticSite,
  template: Uint8Array,
  seq: number,
  time: number,
): Uint8Array {
  const env = template.slice();
  putU64(env, ENVELOPE_OFFSET.seq, seq, 'seq');
  putU64(env, ENVELOPE_OFFSET.time, time, 'time');
  setEnvelopeSignature(env, sign(site.key, envelopeSignedRegion(env)));
  return env;
}
