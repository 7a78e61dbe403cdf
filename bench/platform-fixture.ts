// One sampling site and one SCP key for the platform benchmarks: signed, sealed uploads as a real
// site makes them, and the packet metadata the extractor derives from an envelope.
import { decodeEnvelope } from '../codec/envelope.js';
import { envelopeRouting } from '../codec/envelope-view.js';
import { CityScheme, type KpiRecord, SiteStatus } from '../codec/types.js';
import { generateEd25519 } from '../crypto/ed25519.js';
import { tracingCode } from '../crypto/hash.js';
import { keyIdOf } from '../crypto/key-id.js';
import { generateX25519 } from '../crypto/x25519.js';
import { hex } from '../platform/hex.js';
import type { PacketMeta } from '../platform/outcome.js';
import { SignedEnvelopeMaker } from '../site/envelope-maker.js';
import { SealKeys } from '../site/seal-keys.js';

const H = 3_600_000;
export const BENCH_T = Date.UTC(2026, 0, 1);

export function benchSite(kpis: readonly number[], siteIdFill: number) {
  const siteKey = generateEd25519();
  const scp = generateX25519();
  const record: KpiRecord = {
    country: 756,
    city: { scheme: CityScheme.UnLocode, code: 'CHGVA' },
    siteId: new Uint8Array(16).fill(siteIdFill),
    time: BENCH_T,
    entries: kpis.map((code, i) => ({ code, series: 0, value: 10 + i, flags: 0 })),
    extension: new Uint8Array(0),
  };
  const site = {
    publicKey: hex(siteKey.publicKey),
    status: SiteStatus.Active,
    country: 756,
    city: record.city,
    siteId: hex(record.siteId),
    kpiCodes: [...kpis],
  };
  /** `count` uploads with seq 1..count; in session mode the first carries the session offer. */
  const uploads = async (count: number, mode: 'session' | 'ephemeral'): Promise<Uint8Array[]> => {
    const key = {
      keyId: keyIdOf(scp.publicKey),
      publicKey: scp.publicKey,
      notBefore: 0,
      notAfter: BENCH_T + 48 * H,
    };
    const keys = new SealKeys(
      { scpKeys: async () => [key] },
      { mode, sessionTtlMs: 24 * H, renewBeforeMs: H, directoryTtlMs: 24 * H },
    );
    const maker = new SignedEnvelopeMaker(siteKey, async () => new Uint8Array(32).fill(3), keys);
    const out: Uint8Array[] = [];
    for (let seq = 1; seq <= count; seq++)
      out.push(await maker.make({ ...record, time: BENCH_T + seq }, seq, BENCH_T + seq));
    return out;
  };
  return { siteKey, scp, record, site, uploads };
}

/** The extractor's metadata of an envelope at (height, index), committed a second after its time. */
export function benchMeta(env: Uint8Array, height: number, index: number): PacketMeta {
  const e = decodeEnvelope(env);
  const r = envelopeRouting(env);
  return {
    tracingCode: hex(tracingCode(env)),
    height,
    index,
    blockTime: e.time + 1000,
    envelopeTime: e.time,
    seq: e.seq,
    siteKeyId: hex(e.signerKeyId),
    country: r.country,
    city: r.city,
    siteId: hex(r.siteId),
    kpiCodes: r.kpiCodes,
  };
}
