// The KPI catalogue built from catalogue-data.ts: one frozen KpiDefinition per KPI, with its wire
// code (taxonomy.ts rule), resolved units and ranges, and the lookups both ways (code string,
// wire code, name). Built once at import; a malformed row throws at import, which the tests catch.

import { type ConsolidationKind, KPI_ROWS, type KpiRow } from './catalogue-data.js';
import { KpiError, KpiErrorCode } from './errors.js';
import {
  type CodeParts,
  formatCodeString,
  parseCodeString,
  type Tier,
  taxonNodes,
  wireCodeOf,
} from './taxonomy.js';
import { requireUnit, type Unit, unitRange, type ValueRange } from './units.js';

export type { ConsolidationKind } from './catalogue-data.js';
export type { Tier } from './taxonomy.js';

export interface KpiSeries {
  /** Position in the KPI's series list: the `series` field of a KpiEntry. */
  index: number;
  /** Series name ("PM2.5"); '' for a KPI without series. */
  name: string;
  /** Canonical unit string of this series. */
  unit: string;
  /** Parsed canonical unit. */
  parsedUnit: Unit;
  range: ValueRange;
}

export interface KpiDefinition {
  /** Canonical code string, "EN: EN: AQ: 1C". */
  code: string;
  /** Compact wire code (taxonomy.ts rule), 1..65535. */
  wire: number;
  name: string;
  dimension: string;
  dimensionName: string;
  subDimension: string;
  subDimensionName: string;
  category: string;
  categoryName: string;
  /** KPI number within its category (the n of "nC"). */
  number: number;
  tier: Tier;
  /** Canonical unit of series 0 (every series of the 91 but Open data shares it). */
  unit: string;
  /** The reference marks this unit "(?)": a deployment may override it. */
  unitUnconfirmed: boolean;
  consolidation: ConsolidationKind;
  /** At least one entry; a KPI without series has one unnamed series at index 0. */
  series: readonly KpiSeries[];
}

/** Lower case, punctuation and runs of spaces folded, so "R&D  expenditure" finds "R&D expenditure". */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.&]+/g, ' ')
    .trim();
}

function buildSeries(row: KpiRow): KpiSeries[] {
  const [, , unit, , extras] = row;
  const specs = extras?.series ?? [''];
  return specs.map((spec, index) => {
    const [name, seriesUnit] = typeof spec === 'string' ? [spec, unit] : spec;
    const parsedUnit = requireUnit(seriesUnit);
    const range = unitRange(parsedUnit);
    if (extras?.max !== undefined) range.max = extras.max;
    return Object.freeze({ index, name, unit: seriesUnit, parsedUnit, range: Object.freeze(range) });
  });
}

function buildDefinition(row: KpiRow): KpiDefinition {
  const [codeText, name, unit, consolidation, extras] = row;
  const parts = parseCodeString(codeText);
  const nodes = parts && taxonNodes(parts);
  if (!parts?.tier || !nodes) throw new KpiError(KpiErrorCode.UnknownKpi, `bad catalogue row ${codeText}`);
  return Object.freeze({
    code: formatCodeString({ ...parts, tier: parts.tier }),
    wire: wireCodeOf(parts),
    name,
    dimension: parts.dimension,
    dimensionName: nodes.dim.name,
    subDimension: parts.subDimension,
    subDimensionName: nodes.sub.name,
    category: parts.category,
    categoryName: nodes.cat.name,
    number: parts.number,
    tier: parts.tier,
    unit,
    unitUnconfirmed: extras?.unitUnconfirmed === true,
    consolidation,
    series: Object.freeze(buildSeries(row)),
  });
}

/** Every KPI, in reference order. */
export const CATALOGUE: readonly KpiDefinition[] = Object.freeze(KPI_ROWS.map(buildDefinition));

const byWire = new Map<number, KpiDefinition>();
const byCode = new Map<string, KpiDefinition>();
const byName = new Map<string, KpiDefinition>();

/** A code string without its tier letter: the tier is not part of a KPI's identity. */
function untieredKey(p: Omit<CodeParts, 'tier'>): string {
  return `${p.dimension}:${p.subDimension}:${p.category}:${p.number}`;
}

function addUnique<K>(map: Map<K, KpiDefinition>, key: K, def: KpiDefinition): void {
  if (map.has(key))
    throw new KpiError(KpiErrorCode.InvalidArgument, `duplicate catalogue key ${String(key)}`);
  map.set(key, def);
}

for (const def of CATALOGUE) {
  addUnique(byWire, def.wire, def);
  addUnique(byCode, untieredKey(def), def);
  addUnique(byName, normalizeName(def.name), def);
}

/** By wire code; undefined when unknown. */
export function kpiByWire(wire: number): KpiDefinition | undefined {
  return byWire.get(wire);
}

/** By code string in any spacing or case; the C/A letter may be omitted but must match when given. */
export function kpiByCode(code: string): KpiDefinition | undefined {
  const parts = parseCodeString(code);
  if (!parts) return undefined;
  const def = byCode.get(untieredKey(parts));
  return def && (parts.tier === undefined || parts.tier === def.tier) ? def : undefined;
}

/** By name, ignoring case and punctuation. */
export function kpiByName(name: string): KpiDefinition | undefined {
  return typeof name === 'string' && name.length <= 200 ? byName.get(normalizeName(name)) : undefined;
}

// Sources repeat the same few KPI spellings row after row; parsing each one again cost more than the
// rest of normalization. Bounded, so a stream of junk spellings cannot grow it.
const REF_CACHE_CAP = 1024;
const refCache = new Map<string, KpiDefinition | null>();

/** Resolve a wire code, a code string or a name. */
export function findKpi(ref: number | string): KpiDefinition | undefined {
  if (typeof ref === 'number') return kpiByWire(ref);
  if (typeof ref !== 'string') return undefined;
  let def = refCache.get(ref);
  if (def === undefined) {
    def = kpiByCode(ref) ?? kpiByName(ref) ?? null;
    if (refCache.size < REF_CACHE_CAP) refCache.set(ref, def);
  }
  return def ?? undefined;
}

/** Like findKpi, but a KpiError when the KPI is unknown (for configuration, not for readings). */
export function requireKpi(ref: number | string): KpiDefinition {
  const def = findKpi(ref);
  if (!def) throw new KpiError(KpiErrorCode.UnknownKpi, `unknown KPI ${String(ref)}`, { kpi: String(ref) });
  return def;
}

/** Fold a series name the way lookups do: "PM2.5", "pm 2.5" and "pm2.5" are one series. */
function seriesKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.]/g, '');
}

/**
 * Resolve a series by index or name. A KPI without series accepts undefined, '' or 0; a KPI with
 * series needs one (undefined when missing or unknown).
 */
export function findSeries(def: KpiDefinition, ref: number | string | undefined): KpiSeries | undefined {
  const unnamed = def.series.length === 1 && def.series[0]?.name === '';
  if (ref === undefined || ref === '') return unnamed ? def.series[0] : undefined;
  if (typeof ref === 'number') return Number.isInteger(ref) ? def.series[ref] : undefined;
  if (typeof ref !== 'string') return undefined;
  const key = seriesKey(ref);
  return def.series.find((s) => s.name !== '' && seriesKey(s.name) === key);
}
