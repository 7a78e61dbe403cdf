import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tracingCode } from '../../../../crypto/hash.js';
import { envelopeTracingCode } from '../../../../node/chain/tx-hash.js';

describe('envelopeTracingCode', () => {
  it('equals the tracing code of the bytes, for fresh and remembered arrays alike', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const want = Buffer.from(tracingCode(bytes));
        expect(Buffer.from(envelopeTracingCode(bytes)).equals(want)).toBe(true);
        expect(Buffer.from(envelopeTracingCode(bytes)).equals(want)).toBe(true);
        expect(Buffer.from(envelopeTracingCode(bytes.slice())).equals(want)).toBe(true);
      }),
    );
  });

  it('hashes an array once and hands back the same code', () => {
    const bytes = Uint8Array.of(1, 2, 3);
    expect(envelopeTracingCode(bytes)).toBe(envelopeTracingCode(bytes));
    expect(envelopeTracingCode(bytes.slice())).not.toBe(envelopeTracingCode(bytes));
  });
});
