// One processed block as SQL inside the block's transaction: its packets' rows in one statement
// (unnest over column arrays for each table), so a block of hundreds of packets costs one round trip.
import { kpiByWire } from '../kpi/catalogue.js';
import type { StateChange } from '../ledger/execution.js';
import { hex } from './hex.js';
import type { StoredPacket } from './outcome.js';
import type { SqlRunner } from './sql-db.js';

/** One array per column of a table, filled a row at a time in the column order of its `Types`. */
class Columns {
  readonly arrays: unknown[][];

  constructor(types: Types) {
    this.arrays = Object.keys(types).map(() => []);
  }

  /** Appends one row, its values in column order (no per-row object: blocks have thousands). */
  add(...values: unknown[]): void {
    if (values.length !== this.arrays.length)
      throw new Error(`row of ${values.length} values for ${this.arrays.length} columns`);
    for (let i = 0; i < values.length; i++) this.arrays[i]!.push(values[i]);
  }
}

type Types = Record<string, string | [string, string]>;

/**
 * INSERT INTO table SELECT ... FROM unnest(one array per column), its parameters numbered from
 * `params.length + 1` and appended to `params`. `types` maps each column to the element type of
 * its array, or to [type, expression] when the column is computed from it (bytes travel as hex
 * text and integer lists as array literals, which both back ends pass unchanged).
 */
function insert(table: string, types: Types, cols: Columns, params: unknown[]): string {
  const names = Object.keys(types);
  const type = (n: string) => {
    const t = types[n] as string | [string, string];
    return typeof t === 'string' ? t : t[0];
  };
  const expr = (n: string) => {
    const t = types[n] as string | [string, string];
    return typeof t === 'string' ? n : t[1];
  };
  const first = params.length + 1;
  params.push(...cols.arrays);
  return `INSERT INTO ${table} (${names.join(', ')})
     SELECT ${names.map(expr).join(', ')}
     FROM unnest(${names.map((n, i) => `$${first + i}::${type(n)}[]`).join(', ')}) AS t(${names.join(', ')})`;
}

const PACKET = {
  height: 'bigint',
  idx: 'integer',
  tracing_code: 'text',
  block_time: 'bigint',
  envelope_time: 'bigint',
  seq: 'bigint',
  site_key_id: 'text',
  country: 'integer',
  city_scheme: 'smallint',
  city: 'text',
  site_id: 'text',
  kpi_codes: ['text', 'kpi_codes::integer[]'] as [string, string],
};
const RECORD = {
  height: 'bigint',
  idx: 'integer',
  record: ['text', "decode(record, 'hex')"] as [string, string],
};
const OUTCOME = {
  height: 'bigint',
  idx: 'integer',
  site_public_key: 'text',
  seal: 'text',
  country: 'integer',
  city_scheme: 'smallint',
  city: 'text',
  site_id: 'text',
  time: 'bigint',
};
const FAILURE = { height: 'bigint', idx: 'integer', reason: 'text', detail: 'text' };
const VALUE = {
  height: 'bigint',
  idx: 'integer',
  entry: 'integer',
  tracing_code: 'text',
  country: 'integer',
  city_scheme: 'smallint',
  city: 'text',
  site_id: 'text',
  kpi_code: 'integer',
  series: 'integer',
  time: 'bigint',
  value: 'float8',
  unit: 'text',
  flags: 'smallint',
};

/** Inserts the packets of one block with their records, outcomes or failures, and values. */
export async function insertPackets(tx: SqlRunner, packets: StoredPacket[]): Promise<void> {
  if (packets.length === 0) return;
  const p = new Columns(PACKET);
  const r = new Columns(RECORD);
  const o = new Columns(OUTCOME);
  const f = new Columns(FAILURE);
  const v = new Columns(VALUE);
  for (const { meta: m, storage, outcome } of packets) {
    const { height, index } = m;
    p.add(
      height,
      index,
      m.tracingCode,
      m.blockTime,
      m.envelopeTime,
      m.seq,
      m.siteKeyId,
      m.country,
      m.city.scheme,
      m.city.code,
      m.siteId,
      `{${m.kpiCodes.join(',')}}`,
    );
    if (storage.length > 0) r.add(height, index, hex(storage));
    if (!outcome.ok) {
      f.add(height, index, outcome.reason, outcome.detail);
      continue;
    }
    const rec = outcome.record;
    const { country, city, siteId, time } = rec;
    o.add(height, index, outcome.sitePublicKey, outcome.seal, country, city.scheme, city.code, siteId, time);
    for (let entry = 0; entry < rec.entries.length; entry++) {
      const e = rec.entries[entry]!;
      const def = kpiByWire(e.code);
      const unit = def?.series[e.series]?.unit ?? def?.unit ?? '';
      v.add(
        height,
        index,
        entry,
        m.tracingCode,
        country,
        city.scheme,
        city.code,
        siteId,
        e.code,
        e.series,
        time,
        e.value,
        unit,
        e.flags,
      );
    }
  }
  // One statement for the five tables: one parse and one round trip per block, whatever its size
  // (a data-modifying WITH runs every part; the failures' key check runs at the statement's end).
  const params: unknown[] = [];
  const parts: [string, string][] = [
    ['p', insert('packets', PACKET, p, params)],
    ['r', insert('storage_records', RECORD, r, params)],
    ['o', insert('packet_outcomes', OUTCOME, o, params)],
    ['f', insert('packet_failures', FAILURE, f, params)],
  ];
  const values = insert('kpi_values', VALUE, v, params);
  // The text depends on the tables' columns only: the same for every block.
  await tx.query(
    `WITH ${parts.map(([n, q]) => `${n} AS (${q})`).join(',\n')}\n${values}`,
    params,
    'platform_block_packets',
  );
}

/** Writes contract state changes in order (a later write of a key wins), deletes included. */
export async function writeState(tx: SqlRunner, changes: StateChange[]): Promise<void> {
  const last = new Map<string, Uint8Array | undefined>();
  const dec = new TextDecoder();
  for (const c of changes) last.set(dec.decode(c.key), c.value);
  const del = [...last].filter(([, v]) => v === undefined).map(([k]) => k);
  const put = [...last].filter(([, v]) => v !== undefined) as [string, Uint8Array][];
  if (del.length > 0) await tx.query('DELETE FROM contract_state WHERE key = ANY($1::text[])', [del]);
  if (put.length > 0)
    await tx.query(
      `INSERT INTO contract_state (key, value)
       SELECT k, decode(v, 'hex') FROM unnest($1::text[], $2::text[]) AS t(k, v)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [put.map(([k]) => k), put.map(([, v]) => hex(v))],
    );
}

/** Records the accepted session offers of a block (an offer seen again keeps its first height). */
export async function insertOffers(tx: SqlRunner, height: number, offers: Uint8Array[]): Promise<void> {
  if (offers.length === 0) return;
  await tx.query(
    `INSERT INTO session_offers (offer, height)
     SELECT decode(o, 'hex'), $2 FROM unnest($1::text[]) AS t(o) ON CONFLICT (offer) DO NOTHING`,
    [offers.map(hex), height],
  );
}
