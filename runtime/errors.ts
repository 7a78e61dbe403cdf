// The runtime domain's error class: process plumbing that every program shares (config files,
// keystore passphrases, log specs). A domain that wants its own code for a bad config passes its
// own error factory to loadJsonConfig and resolvePassphrase; these codes are the default.
import { BkdmsError } from '../codec/base-error.js';

export enum RuntimeErrorCode {
  /** A config file or log spec is missing, unreadable or invalid. */
  BadConfig = 'BAD_CONFIG',
  /** No passphrase: neither a passphrase file nor the environment variable gives one. */
  NoPassphrase = 'NO_PASSPHRASE',
  /** A passphrase file that cannot be read, is readable by others, or is empty. */
  BadPassphraseFile = 'BAD_PASSPHRASE_FILE',
  /** A log query or deletion with a field out of range (type, time, level, pattern, limit). */
  BadLogQuery = 'BAD_LOG_QUERY',
}

export class RuntimeError extends BkdmsError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('RuntimeError', code, message, meta);
  }
}
