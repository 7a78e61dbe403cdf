// The console's one error class: a bad option (refused at start), a bad request (HTTP 400/404),
// an action refused because the console holds no administrator key (403), or no node to ask (503).
import { BkdmsError } from '../codec/base-error.js';

export enum ConsoleErrorCode {
  BadOption = 'BAD_OPTION',
  BadRequest = 'BAD_REQUEST',
  NotFound = 'NOT_FOUND',
  Forbidden = 'FORBIDDEN',
  Unavailable = 'UNAVAILABLE',
}

export class ConsoleError extends BkdmsError<ConsoleErrorCode> {
  constructor(code: ConsoleErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('ConsoleError', code, message, meta);
  }
}
