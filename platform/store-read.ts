// Stored packets back from SQL rows: a packet row with its record, its outcome or failure, and
// its values in entry order. A packet with neither outcome nor failure was not written by the
// platform (a block's rows are written together): it is reported, not guessed.
import type { CityScheme } from '../codec/types.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import type { PacketFailure, PacketOutcome, StoredPacket } from './outcome.js';
import { bytes, num, type SqlRow, type SqlRunner } from './sql-db.js';

export const PACKET_SELECT = `
  SELECT p.height, p.idx, p.tracing_code, p.block_time, p.envelope_time, p.seq, p.site_key_id,
         p.country, p.city_scheme, p.city, p.site_id, p.kpi_codes, s.record,
         o.site_public_key, o.seal, o.country AS o_country, o.city_scheme AS o_city_scheme,
         o.city AS o_city, o.site_id AS o_site_id, o.time AS o_time, f.reason, f.detail
  FROM packets p
  LEFT JOIN storage_records s ON s.height = p.height AND s.idx = p.idx
  LEFT JOIN packet_outcomes o ON o.height = p.height AND o.idx = p.idx
  LEFT JOIN packet_failures f ON f.height = p.height AND f.idx = p.idx`;

interface ValueRow extends SqlRow {
  height: unknown;
  idx: unknown;
  kpi_code: unknown;
  series: unknown;
  value: unknown;
  flags: unknown;
}

const key = (h: unknown, i: unknown) => `${num(h)}/${num(i)}`;

function outcomeOf(r: SqlRow, entries: ValueRow[]): PacketOutcome {
  if (r.site_public_key !== null && r.site_public_key !== undefined)
    return {
      ok: true,
      sitePublicKey: String(r.site_public_key),
      seal: String(r.seal),
      record: {
        country: num(r.o_country),
        city: { scheme: num(r.o_city_scheme) as CityScheme, code: String(r.o_city) },
        siteId: String(r.o_site_id),
        time: num(r.o_time),
        entries: entries.map((e) => ({
          code: num(e.kpi_code),
          series: num(e.series),
          value: num(e.value),
          flags: num(e.flags),
        })),
      },
    };
  if (r.reason !== null && r.reason !== undefined)
    return { ok: false, reason: String(r.reason) as PacketFailure, detail: String(r.detail) };
  throw new PlatformError(
    PlatformErrorCode.Store,
    `packet ${key(r.height, r.idx)} has neither an outcome nor a failure in the platform database`,
    { height: num(r.height), index: num(r.idx) },
  );
}

function packetOf(r: SqlRow, entries: ValueRow[]): StoredPacket {
  return {
    meta: {
      tracingCode: String(r.tracing_code),
      height: num(r.height),
      index: num(r.idx),
      blockTime: num(r.block_time),
      envelopeTime: num(r.envelope_time),
      seq: num(r.seq),
      siteKeyId: String(r.site_key_id),
      country: num(r.country),
      city: { scheme: num(r.city_scheme) as CityScheme, code: String(r.city) },
      siteId: String(r.site_id),
      kpiCodes: (r.kpi_codes as unknown[]).map(num),
    },
    storage: r.record === null || r.record === undefined ? new Uint8Array(0) : bytes(r.record),
    outcome: outcomeOf(r, entries),
  };
}

/** The packets of `rows` (in chain order) with their values, read in one more statement. */
export async function withValues(q: SqlRunner, rows: SqlRow[]): Promise<StoredPacket[]> {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first === undefined || last === undefined) return [];
  const values = await q.query<ValueRow>(
    `SELECT height, idx, kpi_code, series, value, flags FROM kpi_values
     WHERE (height, idx) >= ($1, $2) AND (height, idx) <= ($3, $4) ORDER BY height, idx, entry`,
    [first.height, first.idx, last.height, last.idx],
  );
  const by = new Map<string, ValueRow[]>();
  for (const v of values) {
    const k = key(v.height, v.idx);
    const list = by.get(k);
    if (list) list.push(v);
    else by.set(k, [v]);
  }
  return rows.map((r) => packetOf(r, by.get(key(r.height, r.idx)) ?? []));
}
