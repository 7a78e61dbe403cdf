// The console's one error class: a bad option (refused at start) or a bad request (HTTP 400/404).
import { BkdmsError } from '../codec/base-error.js';

export enum ConsoleErrorCode {
  BadOption = 'BAD_OPTION',
  BadRequest = 'BAD_REQUEST',
  NotFound = 'NOT_FOUND',
}

export class ConsoleError extends BkdmsError<ConsoleErrorCode> {
  constructor(code: ConsoleErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('ConsoleError', code, message, meta);
  }
}
