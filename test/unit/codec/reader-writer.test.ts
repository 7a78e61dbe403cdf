import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, CodecErrorCode } from '../../../codec/errors.js';
import { checkInputSize, Reader, readVersion } from '../../../codec/reader.js';
import { Writer } from '../../../codec/writer.js';

function codeOf(fn: () => unknown): CodecErrorCode | 'none' | 'other' {
  try {
    fn();
    return 'none';
  } catch (e) {
    return e instanceof CodecError ? e.code : 'other';
  }
}

describe('Writer and Reader', () => {
  it('round-trip every primitive big-endian at known offsets', () => {
    const w = new Writer(4);
    w.u8(0xab)
      .u16(0x1234)
      .u32(0xdeadbeef)
      .u64(2 ** 53 - 1)
      .f64(-0)
      .bytes(Uint8Array.of(9, 8, 7));
    const b = w.finish();
    expect(Buffer.from(b).toString('hex')).toBe(
      `ab1234deadbeef001fffffffffffff${'80'.padEnd(16, '0')}090807`,
    );
    const r = new Reader(b);
    expect(r.u8()).toBe(0xab);
    expect(r.u16()).toBe(0x1234);
    expect(r.u32()).toBe(0xdeadbeef);
    expect(r.u64()).toBe(2 ** 53 - 1);
    expect(Object.is(r.f64(), -0)).toBe(true);
    expect(Array.from(r.bytes(3))).toEqual([9, 8, 7]);
    expect(() => r.end()).not.toThrow();
  });

  it('returns views, not copies, for byte fields', () => {
    const input = Uint8Array.of(0, 3, 1, 2, 3);
    const view = new Reader(input).bytes16(0, 10, 'f');
    input[2] = 42;
    expect(view[0]).toBe(42);
    expect(view.buffer).toBe(input.buffer);
  });

  it('rejects u64 above 2^53-1 and non-finite doubles as BadValue', () => {
    const big = Uint8Array.of(0, 0x20, 0, 0, 0, 0, 0, 0);
    expect(codeOf(() => new Reader(big).u64())).toBe(CodecErrorCode.BadValue);
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v);
      expect(codeOf(() => new Reader(b).f64())).toBe(CodecErrorCode.BadValue);
    }
  });

  it('throws Truncated, Oversized, TrailingBytes, UnknownVersion, BadEnum with codes', () => {
    expect(codeOf(() => new Reader(new Uint8Array(3)).u32())).toBe(CodecErrorCode.Truncated);
    expect(codeOf(() => new Reader(Uint8Array.of(0, 200, 1)).bytes16(0, 100, 'f'))).toBe(
      CodecErrorCode.Oversized,
    );
    expect(codeOf(() => new Reader(Uint8Array.of(0, 50, 1)).bytes16(0, 100, 'f'))).toBe(
      CodecErrorCode.Truncated,
    );
    expect(codeOf(() => new Reader(Uint8Array.of(0, 1, 1)).bytes16(2, 100, 'f'))).toBe(
      CodecErrorCode.BadValue,
    );
    expect(codeOf(() => new Reader(new Uint8Array(2)).end())).toBe(CodecErrorCode.TrailingBytes);
    expect(codeOf(() => readVersion(new Reader(Uint8Array.of(2)), 1, 'v'))).toBe(
      CodecErrorCode.UnknownVersion,
    );
    expect(codeOf(() => new Reader(Uint8Array.of(4)).enumU8(1, 3, 'e'))).toBe(CodecErrorCode.BadEnum);
    expect(codeOf(() => checkInputSize(new Uint8Array(11), 10, 'x'))).toBe(CodecErrorCode.Oversized);
    expect(codeOf(() => new Reader(new Uint8Array(2), 1, 3))).toBe(CodecErrorCode.Truncated);
  });

  it('reads only inside its window', () => {
    const r = new Reader(Uint8Array.of(1, 2, 3, 4), 1, 3);
    expect(r.u16()).toBe(0x0203);
    expect(codeOf(() => r.u8())).toBe(CodecErrorCode.Truncated);
  });

  it('writer rejects values it cannot encode exactly', () => {
    const w = new Writer();
    expect(codeOf(() => w.u8(256))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => w.u16(1.5))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => w.u32(-1))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => w.u64(2 ** 53))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => w.f64(Number.NaN))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => w.bytes(new Uint8Array(3), 4))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => w.bytes16(new Uint8Array(5), 0, 4, 'f'))).toBe(CodecErrorCode.InvalidInput);
    expect(w.pos).toBe(0);
  });

  it('grows past the initial size and keeps what was written', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff_ffff }), { maxLength: 100 }), (xs) => {
        const w = new Writer(1);
        for (const x of xs) w.u32(x);
        const r = new Reader(w.finish());
        for (const x of xs) expect(r.u32()).toBe(x);
        r.end();
      }),
    );
  });

  it('u64 and f64 round-trip for all safe integers and finite doubles', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.double({ noNaN: true, noDefaultInfinity: true }), (n, d) => {
        const r = new Reader(new Writer(16).u64(n).f64(d).finish());
        expect(r.u64()).toBe(n);
        expect(Object.is(r.f64(), d)).toBe(true);
      }),
    );
  });
});
