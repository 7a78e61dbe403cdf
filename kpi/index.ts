// Public API of kpi/: the U4SSC / Y.4903 catalogue, unit conversion, normalization and
// consolidation of raw readings (Y.4907 8.1), and the country, city and site-ID helpers for the
// other fields of the Table 10-1 record. Pure: no I/O, no clock, no randomness.

export {
  CATALOGUE,
  type ConsolidationKind,
  findKpi,
  findSeries,
  type KpiDefinition,
  type KpiSeries,
  kpiByCode,
  kpiByName,
  kpiByWire,
  normalizeName,
  requireKpi,
  type Tier,
} from './catalogue.js';
export { cityMatchesCountry, formatCityCode, isUnLocode, parseCityCode, validateCityCode } from './city.js';
export { type Consolidation, consolidate, distinctCodes, type IndexedReading } from './consolidate.js';
export {
  alpha2ToNumeric,
  COUNTRIES,
  type Country,
  countryByAlpha,
  countryByNumeric,
  findCountry,
  formatNumeric,
  numericToAlpha2,
  requireCountry,
} from './countries.js';
export { type Drop, DropReason } from './drop-reasons.js';
export { checkEntry, describeEntry, type EntryCheck } from './entry-check.js';
export { KpiError, KpiErrorCode } from './errors.js';
export { DEFAULT_MAX_READINGS, type NormalizeOptions, type NormalizeResult, normalize } from './normalize.js';
export {
  type NormalizedReading,
  normalizeReading,
  type Period,
  type RawReading,
  type ReadingResult,
  type ReadingRules,
} from './reading.js';
export { formatSiteId, isIpv4Mapped, parseSiteId, SITE_ID_BYTES } from './site-id.js';
export {
  CATEGORIES,
  type CodeParts,
  DIMENSIONS,
  formatCodeString,
  parseCodeString,
  SUB_DIMENSIONS,
  type TaxonNode,
  wireCodeOf,
} from './taxonomy.js';
export { tokenSpellings, type UnitFamily } from './unit-tokens.js';
export {
  conversionFactor,
  convert,
  parseUnit,
  requireUnit,
  type Unit,
  unitRange,
  type ValueRange,
} from './units.js';
