// One envelope as the console shows it: kind, signer, sequence number, time and, for an upload,
// its clear routing metadata. Codec-only, so the backend (block detail) and the page (trace) share
// it; the packet stays sealed: the chain never sees KPI values.
import { decodeEnvelope } from '../codec/envelope.js';
import { EnvelopeKind } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { tracingCode } from '../crypto/hash.js';

export interface EnvelopeSummary {
  tracingCode: string;
  kind: 'upload' | 'contract-call';
  signerKeyId: string;
  seq: number;
  time: number;
  bytes: number;
  routing?: { country: number; city: string; siteId: string; kpiCodes: number[] };
}

/** The site ID as text: dotted IPv4 for an IPv4-mapped address, else the IPv6 hex groups. */
export function siteIdText(b: Uint8Array): string {
  const mapped = b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return Array.from(b.slice(12)).join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2)
    groups.push((((b[i] as number) << 8) | (b[i + 1] as number)).toString(16));
  return groups.join(':');
}

export function summarizeEnvelope(bytes: Uint8Array): EnvelopeSummary {
  const env = decodeEnvelope(bytes);
  const base = {
    tracingCode: toHex(tracingCode(bytes)),
    signerKeyId: toHex(env.signerKeyId),
    seq: env.seq,
    time: env.time,
    bytes: bytes.length,
  };
  if (env.kind !== EnvelopeKind.KpiUpload) return { ...base, kind: 'contract-call' };
  const r = env.routing;
  return {
    ...base,
    kind: 'upload',
    routing: {
      country: r.country,
      city: `${r.city.scheme}:${r.city.code}`,
      siteId: siteIdText(r.siteId),
      kpiCodes: r.kpiCodes,
    },
  };
}
