// The one error class of the crypto domain. Bad keys, bad lengths, a wrong keystore passphrase, a
// closed or full verification pool: each is a CryptoError with a code. A failed signature check or
// a packet that does not open is NOT an error: those are ordinary results (boolean / OpenResult).
import { BkdmsError } from '../codec/base-error.js';

export enum CryptoErrorCode {
  /** A key, nonce, signature or salt of the wrong length or form. */
  BadKey = 'BAD_KEY',
  /** An argument outside its domain (negative size, index past the tree, expiry before creation...). */
  InvalidInput = 'INVALID_INPUT',
  /** An encoded proof or keystore file that cannot be parsed. */
  Malformed = 'MALFORMED',
  /** Keystore: the passphrase does not open the file (or the file was altered). */
  WrongPassphrase = 'WRONG_PASSPHRASE',
  /** Keystore: a file that is not a keystore, or its parameters are out of the accepted bounds. */
  CorruptedKeystore = 'CORRUPTED_KEYSTORE',
  /** Keystore: the file's permissions let group or others read it. */
  InsecureFile = 'INSECURE_FILE',
  /** A session key past its expiry, or an offer whose times do not make sense. */
  SessionExpired = 'SESSION_EXPIRED',
  /** X25519 gave the all-zero shared secret (a low-order peer key). */
  WeakKey = 'WEAK_KEY',
  /** Verification pool: too many batches waiting. */
  QueueFull = 'QUEUE_FULL',
  /** Verification pool: used after close(). */
  Closed = 'CLOSED',
  /** Verification pool: a worker died or answered out of protocol. */
  WorkerFailed = 'WORKER_FAILED',
}

export class CryptoError extends BkdmsError<CryptoErrorCode> {
  constructor(code: CryptoErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('CryptoError', code, message, meta);
  }
}

/** Throws BadKey unless `bytes` is a Uint8Array of exactly `length` bytes. */
export function expectLength(what: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length)
    throw new CryptoError(CryptoErrorCode.BadKey, `${what} must be ${length} bytes`, {
      what,
      expected: length,
      actual: bytes instanceof Uint8Array ? bytes.length : -1,
    });
}
