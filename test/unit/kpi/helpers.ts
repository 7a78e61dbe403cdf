import { KpiError } from '../../../kpi/index.js';

/** The KpiError code fn throws; fails the test when fn returns or throws something else. */
export function kpiErrorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof KpiError) return e.code;
    throw e;
  }
  throw new Error('expected a KpiError, nothing was thrown');
}
