// From stored packets to assessment rows: one row per decrypted KPI value, labelled with the
// site's address and the city code, plus a count of unusable packets per site. A failed packet
// has no trusted record, so its site label comes from its clear routing metadata.
import { formatSiteId } from '../kpi/site-id.js';
import type { AssessRow } from './assess.js';
import { unhex } from './hex.js';
import type { StoredPacket } from './outcome.js';

function siteLabel(siteIdHex: string): string {
  try {
    return formatSiteId(unhex(siteIdHex, 16));
  } catch {
    return siteIdHex || '(unknown)';
  }
}

export function rowsFromPackets(packets: Iterable<StoredPacket>): {
  rows: AssessRow[];
  failed: Record<string, number>;
} {
  const rows: AssessRow[] = [];
  const failed: Record<string, number> = {};
  for (const p of packets) {
    if (!p.outcome.ok) {
      const site = siteLabel(p.meta.siteId);
      failed[site] = (failed[site] ?? 0) + 1;
      continue;
    }
    const rec = p.outcome.record;
    const site = siteLabel(rec.siteId);
    for (const e of rec.entries)
      rows.push({
        site,
        city: rec.city.code,
        kpi: e.code,
        series: e.series,
        value: e.value,
        flags: e.flags,
        time: rec.time,
        commitTime: p.meta.blockTime,
        uploadTime: p.meta.envelopeTime,
        tracingCode: p.meta.tracingCode,
      });
  }
  return { rows, failed };
}
