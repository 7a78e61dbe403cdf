// Realistic KPI records for the codec benchmark: 8 entries (sorted catalogue codes, plausible
// values with decimals), a 32-byte extending part (one TLV item), varied sites, cities and times.
// Deterministic: a small LCG seeds everything, so every run measures the same records.
import { encodeExtension } from '../codec/extension.js';
import { CityScheme, type KpiRecord } from '../codec/types.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

const LOCODES = ['CNSHA', 'CNBJS', 'DEBER', 'FRPAR', 'GBLON', 'USNYC', 'JPTYO', 'BRSAO'];

export function realisticRecords(n: number, seed = 1): KpiRecord[] {
  const rnd = lcg(seed);
  const out: KpiRecord[] = [];
  for (let i = 0; i < n; i++) {
    const siteId = new Uint8Array(16);
    siteId.set([0xff, 0xff, 10, 0, (i >> 8) & 0xff, i & 0xff], 10);
    const base = 1 + Math.floor(rnd() * 100);
    const entries = Array.from({ length: 8 }, (_, k) => ({
      code: base + k * 7,
      series: k % 3,
      value: Math.round(rnd() * 1e6) / 100,
      flags: k % 2 === 0 ? 0 : 2,
    }));
    const note = new Uint8Array(29);
    for (let k = 0; k < note.length; k++) note[k] = 0x41 + Math.floor(rnd() * 26);
    const city =
      i % 2 === 0
        ? { scheme: CityScheme.UnLocode, code: LOCODES[i % LOCODES.length]! }
        : { scheme: CityScheme.NationalNumeric, code: String(310000 + (i % 1000)) };
    out.push({
      country: 1 + (i % 999),
      city,
      siteId,
      time: 1_700_000_000_000 + i * 60_000,
      entries,
      extension: encodeExtension([{ type: 1, value: note }]),
    });
  }
  return out;
}
