// The one error class of the kpi domain. It signals misuse of the API (a malformed code string, a
// site ID that is not an address, an empty period). A reading that cannot be normalized is not an
// error: normalize() returns it as a drop with a DropReason, because bad rows are expected data.
import { BkdmsError } from '../codec/base-error.js';

export enum KpiErrorCode {
  /** A KPI code string, wire code or name that is not in the catalogue. */
  UnknownKpi = 'UNKNOWN_KPI',
  /** A unit string the unit table cannot parse. */
  UnknownUnit = 'UNKNOWN_UNIT',
  /** Two units of different quantities were asked to convert into each other. */
  IncompatibleUnit = 'INCOMPATIBLE_UNIT',
  /** An ISO 3166-1 numeric or alpha code that is not in the country table. */
  UnknownCountry = 'UNKNOWN_COUNTRY',
  /** A city code that does not fit its scheme (UN/LOCODE letters, numeric range...). */
  BadCityCode = 'BAD_CITY_CODE',
  /** A site ID string that is not an IPv4 or IPv6 address, or bytes that are not 16 long. */
  BadSiteId = 'BAD_SITE_ID',
  /** An argument outside its domain (an empty or inverted period, a non-integer where one is needed). */
  InvalidArgument = 'INVALID_ARGUMENT',
}

export class KpiError extends BkdmsError<KpiErrorCode> {
  constructor(code: KpiErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('KpiError', code, message, meta);
  }
}
