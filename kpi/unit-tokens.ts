// The small unit table: every token a unit string may be built from, with its family (what it
// measures) and its factor to the family's base unit. A unit string is a numerator token followed
// by '/'-separated denominator tokens ("kWh/person/yr"); units convert into each other only when
// their numerator and denominator families match (see units.ts).
//
// Tokens are matched case-insensitively after spaces are removed. That makes "mwh", "mj", "gj" the
// mega/giga prefixes: city statistics use MWh and MJ, never milliwatt-hours or millijoules. Bases
// are chosen so that the common conversions are exact decimal shifts (energy in kWh, volume in L).

import { KpiError, KpiErrorCode } from './errors.js';

export type UnitFamily =
  | 'count'
  | 'fraction'
  | 'boolean'
  | 'mass'
  | 'co2e'
  | 'volume'
  | 'length'
  | 'area'
  | 'energy'
  | 'duration'
  | 'population'
  | 'customer';

export interface UnitToken {
  family: UnitFamily;
  /** Multiply by this to get the family's base unit. */
  factor: number;
}

const DAY_S = 86_400;

// [family, factor, spellings...]; the first spelling is the one docs/kpi.md shows.
const TOKEN_ROWS: readonly (readonly [UnitFamily, number, ...string[]])[] = [
  ['count', 1, 'count', '', '#', 'number', 'items'],
  ['fraction', 0.01, '%', 'percent', 'pct'],
  ['fraction', 0.001, '‰', 'permille'],
  ['fraction', 1, 'fraction', 'ratio', 'index'],
  ['boolean', 1, 'yes/no', 'bool', 'boolean', 'yesno'],
  ['mass', 1e-12, 'ng'],
  ['mass', 1e-9, 'µg', 'ug', 'mcg'],
  ['mass', 1e-6, 'mg'],
  ['mass', 1e-3, 'g'],
  ['mass', 1, 'kg'],
  ['mass', 1e3, 't', 'tonne', 'tonnes'],
  ['co2e', 1, 'kgCO2e', 'kgco2eq'],
  ['co2e', 1e3, 'tCO2e', 'tco2eq'],
  ['co2e', 1e-3, 'gCO2e', 'gco2eq'],
  ['volume', 1e-3, 'mL', 'millilitre', 'milliliter'],
  ['volume', 1, 'L', 'litre', 'liter', 'litres', 'liters'],
  ['volume', 1e3, 'm³', 'm3', 'm^3', 'cubicmetre', 'cubicmeter'],
  ['length', 1, 'm', 'metre', 'meter', 'metres', 'meters'],
  ['length', 1e3, 'km', 'kilometre', 'kilometer', 'kilometres', 'kilometers'],
  ['area', 1, 'm²', 'm2', 'm^2', 'sqm'],
  ['area', 1e4, 'ha', 'hectare', 'hectares'],
  ['area', 1e6, 'km²', 'km2', 'km^2', 'sqkm'],
  ['energy', 1e-3, 'Wh'],
  ['energy', 1, 'kWh', 'ekWh'],
  ['energy', 1e3, 'MWh'],
  ['energy', 1e6, 'GWh'],
  ['energy', 1 / 3.6e6, 'J'],
  ['energy', 1 / 3600, 'kJ'],
  ['energy', 1 / 3.6, 'MJ'],
  ['energy', 1e3 / 3.6, 'GJ'],
  ['energy', 1e6 / 3.6, 'TJ'],
  ['duration', 1, 's', 'sec', 'second', 'seconds'],
  ['duration', 60, 'min', 'minute', 'minutes', 'mins'],
  ['duration', 3600, 'h', 'hr', 'hour', 'hours', 'hrs'],
  ['duration', DAY_S, 'day', 'd', 'days'],
  ['duration', 7 * DAY_S, 'week', 'wk', 'weeks'],
  // Julian year: the only year length that is the same every year.
  ['duration', 365.25 * DAY_S, 'yr', 'year', 'years', 'a', 'annum'],
  ['population', 1, 'person', 'persons', 'people', 'capita', 'inhabitant', 'inhabitants', 'inhab'],
  ['population', 100, '100'],
  ['population', 1e3, '1000', '1k', 'thousand'],
  ['population', 1e4, '10k', '10000'],
  ['population', 1e5, '100k', '100000', '100klivebirths', '100000livebirths'],
  ['population', 1, 'livebirth', 'livebirths'],
  ['population', 1e6, '1M', '1000000', 'million'],
  ['customer', 1, 'customer', 'customers', 'consumer', 'consumers'],
];

function buildTokenMap(): Map<string, UnitToken> {
  const map = new Map<string, UnitToken>();
  for (const [family, factor, ...spellings] of TOKEN_ROWS) {
    for (const spelling of spellings) {
      const key = spelling.toLowerCase();
      // Matching ignores case, so "Mm" and "mm" would collide: a data mistake, caught at import by the tests.
      if (map.has(key))
        throw new KpiError(KpiErrorCode.InvalidArgument, `unit spelling "${key}" listed twice`);
      map.set(key, Object.freeze({ family, factor }));
    }
  }
  return map;
}

/** Lower-cased, space-free spelling -> token. */
export const UNIT_TOKENS: ReadonlyMap<string, UnitToken> = buildTokenMap();

/** The documented spelling of every token, grouped by family (for docs and tests). */
export function tokenSpellings(): { family: UnitFamily; factor: number; spelling: string }[] {
  return TOKEN_ROWS.map(([family, factor, first]) => ({ family, factor, spelling: first ?? '' }));
}
