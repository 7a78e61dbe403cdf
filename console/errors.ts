// The console's one error class: a bad option (refused at start), a bad request (HTTP 400/404),
// an action refused because the console holds no administrator key (403), no node to ask (503), an
// answer no node proved against the console's trust anchor (502), or an action whose proven state
// differs from what the page showed (409).
import { BkdmsError } from '../codec/base-error.js';

export enum ConsoleErrorCode {
  BadOption = 'BAD_OPTION',
  BadRequest = 'BAD_REQUEST',
  NotFound = 'NOT_FOUND',
  Forbidden = 'FORBIDDEN',
  Unavailable = 'UNAVAILABLE',
  /** No node's answer verified against the console's trust anchor (or it has none to verify with). */
  Unproven = 'UNPROVEN',
  /** The proven state no longer matches what the page showed (reload and look again). */
  Conflict = 'CONFLICT',
}

export class ConsoleError extends BkdmsError<ConsoleErrorCode> {
  constructor(code: ConsoleErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('ConsoleError', code, message, meta);
  }
}
