// Rows for the query API tests, written straight into the platform database: packets, their
// outcomes and KPI values (no chain, no crypto), so every expected answer can be worked out by hand.
import type { PlatformStore } from '../../../platform/store.js';

export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;
export const SITE_A = '00000000000000000000ffff0a000001'; // 10.0.0.1
export const SITE_B = '00000000000000000000ffff0a000002'; // 10.0.0.2
export const UNEMPLOYMENT = 1;
export const ELECTRICITY = 2;

export interface SeedPacket {
  height: number;
  city: string;
  site: string;
  time: number;
  entries: { kpi: number; value: number }[];
}

/** CNSHA (site A): unemployment 10, 20, 30, 40, 50 and electricity 90+h at hours 0..4; CNBJS (site B): 7 at hour 1. */
export const SEED: SeedPacket[] = [
  ...[0, 1, 2, 3, 4].map((h) => ({
    height: h + 1,
    city: 'CNSHA',
    site: SITE_A,
    time: T0 + h * HOUR,
    entries: [
      { kpi: UNEMPLOYMENT, value: 10 * (h + 1) },
      { kpi: ELECTRICITY, value: 90 + h },
    ],
  })),
  { height: 2, city: 'CNBJS', site: SITE_B, time: T0 + HOUR, entries: [{ kpi: UNEMPLOYMENT, value: 7 }] },
];

export const tracingCode = (p: SeedPacket): string =>
  `${p.height.toString(16).padStart(4, '0')}${p.site.slice(-4)}`.padEnd(64, 'a');

const index = (p: SeedPacket) => (p.site === SITE_A ? 0 : 1);

export async function seed(store: PlatformStore, packets: SeedPacket[] = SEED): Promise<void> {
  await store.checkpoint(); // schema
  await store.db.transaction(async (tx) => {
    for (const p of packets) {
      const idx = index(p);
      const tc = tracingCode(p);
      await tx.query(
        `INSERT INTO packets (height, idx, tracing_code, block_time, envelope_time, seq, site_key_id,
           country, city_scheme, city, site_id, kpi_codes) VALUES ($1,$2,$3,$4,$5,1,'k',156,0,$6,$7,$8)`,
        [p.height, idx, tc, p.time + 5000, p.time + 1000, p.city, p.site, p.entries.map((e) => e.kpi)],
      );
      await tx.query(
        `INSERT INTO packet_outcomes (height, idx, site_public_key, seal, country, city_scheme, city,
           site_id, time) VALUES ($1,$2,'pk','ephemeral',156,0,$3,$4,$5)`,
        [p.height, idx, p.city, p.site, p.time],
      );
      for (const [entry, e] of p.entries.entries())
        await tx.query(
          `INSERT INTO kpi_values (height, idx, entry, tracing_code, country, city_scheme, city, site_id,
             kpi_code, series, time, value, unit, flags) VALUES ($1,$2,$3,$4,156,0,$5,$6,$7,0,$8,$9,'%',0)`,
          [p.height, idx, entry, tc, p.city, p.site, e.kpi, p.time, e.value],
        );
    }
  });
}
