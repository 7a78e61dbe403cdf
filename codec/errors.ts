// The one error class of the codec domain. Every decoder failure is a CodecError with a code;
// a RangeError, TypeError or hang escaping a decoder is a bug.
import { BkdmsError } from './base-error.js';

export enum CodecErrorCode {
  /** Fewer bytes than the structure (or a length field inside it) requires. */
  Truncated = 'TRUNCATED',
  /** Input or a field is larger than its size cap (checked before buffering or allocating). */
  Oversized = 'OVERSIZED',
  /** Bytes left over after a complete structure. */
  TrailingBytes = 'TRAILING_BYTES',
  /** Version byte this build does not know. */
  UnknownVersion = 'UNKNOWN_VERSION',
  /** An enum or kind byte outside its defined values. */
  BadEnum = 'BAD_ENUM',
  /** A value that is well-formed but not canonical or out of its domain (NaN, padding not zero...). */
  BadValue = 'BAD_VALUE',
  /** A durable record whose CRC-32C does not match its bytes (torn or corrupted on disk). */
  BadChecksum = 'BAD_CHECKSUM',
  /** A value given to an encoder that cannot be encoded. */
  InvalidInput = 'INVALID_INPUT',
}

export class CodecError extends BkdmsError<CodecErrorCode> {
  constructor(code: CodecErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super('CodecError', code, message, meta);
  }
}
