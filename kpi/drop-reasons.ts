// Why a raw reading did not make it into a consolidated value. Drops are results, not errors:
// the site logs and counts them by reason, and the codes are stable strings for dashboards.

export enum DropReason {
  /** A field has the wrong type (value not a number, kpi not a string or number, flags not a byte...). */
  Malformed = 'MALFORMED',
  /** The kpi reference is no catalogue code string, wire code or name. */
  UnknownKpi = 'UNKNOWN_KPI',
  /** The KPI is known but not among the codes this site may upload. */
  NotAllowed = 'NOT_ALLOWED',
  /** The series is missing (the KPI has several) or not one of the KPI's series. */
  UnknownSeries = 'UNKNOWN_SERIES',
  /** The time is not a whole number of ms in 0..2^53-1. */
  BadTime = 'BAD_TIME',
  /** The time falls outside the consolidation period [start, end). */
  OutOfPeriod = 'OUT_OF_PERIOD',
  /** The unit string has a token the unit table does not know. */
  UnknownUnit = 'UNKNOWN_UNIT',
  /** The unit measures another quantity than the KPI (kWh for kWh/person/yr, km for %). */
  IncompatibleUnit = 'INCOMPATIBLE_UNIT',
  /** The value is NaN or infinite, as read or after conversion. */
  NonFinite = 'NON_FINITE',
  /** The KPI counts whole things (count, yes/no) and the value is fractional. */
  NotInteger = 'NOT_INTEGER',
  /** The value, in the canonical unit, lies outside the KPI's valid range. */
  OutOfRange = 'OUT_OF_RANGE',
  /** Same KPI, series, source and time as an identical reading that was kept. */
  Duplicate = 'DUPLICATE',
  /** Same KPI, series, source and time as a reading with another value: neither can be trusted. */
  Conflicting = 'CONFLICTING',
  /** Each reading was in range but their consolidation (a sum) is not. */
  ConsolidatedOutOfRange = 'CONSOLIDATED_OUT_OF_RANGE',
}

export interface Drop {
  /** Position of the reading in the input. */
  index: number;
  reason: DropReason;
  /** Human-readable detail for logs (no secrets: readings carry none). */
  detail: string;
}
