// The e2e domain's error class: a manifest that does not parse or does not make sense, and a run
// that could not be carried out (a node that would not start). A failed invariant is not an error:
// it is a verdict in the run's report.
import { BkdmsError } from '../codec/base-error.js';

export enum E2EErrorCode {
  /** The manifest file is missing, is not JSON, or breaks a rule of docs/reliability.md. */
  BadManifest = 'BAD_MANIFEST',
  /** The runner could not carry out a stage (a node did not start, a port could not be held). */
  RunFailed = 'RUN_FAILED',
}

export class E2EError extends BkdmsError<E2EErrorCode> {
  constructor(code: E2EErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('E2EError', code, message, meta);
  }
}
