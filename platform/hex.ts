// Hex text for keys, IDs and tracing codes in the platform's JSON (database values, reports, CLI).
import { toHex } from '../crypto/bytes.js';
import { PlatformError, PlatformErrorCode } from './errors.js';

export const hex = toHex;

/** Parses lower- or upper-case hex of an exact byte length (any length when `bytes` is omitted). */
export function unhex(text: string, bytes?: number, what = 'hex'): Uint8Array {
  const ok = /^([0-9a-fA-F]{2})*$/.test(text) && (bytes === undefined || text.length === bytes * 2);
  if (!ok)
    throw new PlatformError(
      PlatformErrorCode.InvalidInput,
      bytes === undefined ? `${what}: not hex` : `${what}: expected ${bytes * 2} hex digits`,
      { what },
    );
  return Uint8Array.from(Buffer.from(text, 'hex'));
}
