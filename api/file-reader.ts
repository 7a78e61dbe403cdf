// Reading a saved proof file (a trace bundle, a cross-chain trace): every take is checked against
// what is left, every length against its bounds, and nothing may follow the last part. Errors are
// ApiError MALFORMED naming the file kind and the field.
import { ApiError, ApiErrorCode } from './errors.js';

export class ProofFileReader {
  private at = 0;
  private readonly view: DataView;

  /** `kind` starts every error message, e.g. "trace bundle file". */
  constructor(
    private readonly b: Uint8Array,
    private readonly kind: string,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  malformed(message: string, field: string): ApiError {
    return new ApiError(ApiErrorCode.Malformed, `${this.kind}: ${message}`, { field });
  }

  take(n: number, field: string): Uint8Array {
    if (this.b.length - this.at < n) throw this.malformed(`truncated in ${field}`, field);
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** A big-endian u16 or u32 length (or count) within min..max. */
  length(width: 2 | 4, min: number, max: number, field: string): number {
    const raw = this.take(width, field);
    const n = width === 2 ? (raw[0]! << 8) | raw[1]! : this.view.getUint32(this.at - 4);
    if (n < min || n > max) throw this.malformed(`${field} length ${n} outside ${min}..${max}`, field);
    return n;
  }

  end(): void {
    if (this.at !== this.b.length) throw this.malformed('trailing bytes', 'end');
  }
}
