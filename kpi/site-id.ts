// Site IDs: the record's 16-byte sampling-site field is an IPv6 address; an IPv4 site is stored
// IPv4-mapped (::ffff:a.b.c.d, RFC 4291 2.5.5.2). Parsing is strict (no zone IDs, no leading-zero
// IPv4 octets, which some parsers read as octal) and formatting follows RFC 5952, so that one
// address has exactly one text form in logs and traces.

import { KpiError, KpiErrorCode } from './errors.js';

export const SITE_ID_BYTES = 16;
const MAX_TEXT = 64;

function bad(text: string, why: string): never {
  throw new KpiError(KpiErrorCode.BadSiteId, `${why}: "${text.slice(0, MAX_TEXT)}"`);
}

/** The four bytes of a dotted-quad IPv4 address, or undefined. */
function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/** 16-bit groups of one side of "::" (may end in a dotted quad); undefined when malformed. */
function groups(side: string): number[] | undefined {
  if (side === '') return [];
  const out: number[] = [];
  const parts = side.split(':');
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = ipv4Bytes(part);
      if (!v4) return undefined;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      out.push(Number.parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined;
}

/** Parse an IPv4 or IPv6 address (optionally in [brackets]) into a 16-byte site ID. */
export function parseSiteId(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length > MAX_TEXT) return bad(String(text), 'not an address');
  const t = text.trim().replace(/^\[(.*)\]$/, '$1');
  const out = new Uint8Array(SITE_ID_BYTES);
  const v4 = t.includes(':') ? undefined : ipv4Bytes(t);
  if (v4) {
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(v4, 12);
    return out;
  }
  const g = t.includes(':') ? ipv6Groups(t) : undefined;
  if (!g) return bad(t, 'not an IPv4 or IPv6 address');
  g.forEach((v, i) => {
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** True when the 16 bytes are an IPv4-mapped address (::ffff:a.b.c.d). */
export function isIpv4Mapped(id: Uint8Array): boolean {
  return (
    id.length === SITE_ID_BYTES &&
    id.subarray(0, 10).every((b) => b === 0) &&
    id[10] === 0xff &&
    id[11] === 0xff
  );
}

/** Start and length of the longest run of two or more zero groups (the first one on a tie). */
function longestZeroRun(g: number[]): [number, number] {
  let best: [number, number] = [-1, 0];
  for (let i = 0; i < g.length; ) {
    let j = i;
    while (j < g.length && g[j] === 0) j++;
    if (j - i > best[1] && j - i >= 2) best = [i, j - i];
    i = j > i ? j : i + 1;
  }
  return best;
}

/**
 * Format a site ID: IPv4-mapped IDs as the plain dotted quad (or "::ffff:a.b.c.d" when
 * mappedAsIpv6), everything else in RFC 5952 canonical IPv6 text.
 */
export function formatSiteId(id: Uint8Array, opts: { mappedAsIpv6?: boolean } = {}): string {
  if (!(id instanceof Uint8Array) || id.length !== SITE_ID_BYTES) {
    throw new KpiError(KpiErrorCode.BadSiteId, 'site ID must be 16 bytes', { length: id?.length ?? -1 });
  }
  if (isIpv4Mapped(id)) {
    const quad = Array.from(id.subarray(12)).join('.');
    return opts.mappedAsIpv6 ? `::ffff:${quad}` : quad;
  }
  const g = Array.from({ length: 8 }, (_, i) => (id[2 * i]! << 8) | id[2 * i + 1]!);
  const [start, len] = longestZeroRun(g);
  const hex = (part: number[]) => part.map((v) => v.toString(16)).join(':');
  return start < 0 ? hex(g) : `${hex(g.slice(0, start))}::${hex(g.slice(start + len))}`;
}
