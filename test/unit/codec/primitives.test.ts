import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../codec/errors.js';
import { allocBytes, getF64, getU64, putF64, putU64, u32At } from '../../../codec/primitives.js';

describe('primitives', () => {
  it('slab allocations are zeroed, 8-byte aligned and never overlap', () => {
    const outs = Array.from({ length: 200 }, (_, i) => allocBytes(1 + (i % 90)));
    for (const o of outs) {
      expect(o.every((x) => x === 0)).toBe(true);
      expect(o.byteOffset % 8).toBe(0);
      o.fill(0xab);
    }
    const ranges = outs
      .map((o) => ({ buf: o.buffer, start: o.byteOffset, end: o.byteOffset + o.length }))
      .filter((r) => r.buf === outs[0]!.buffer)
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < ranges.length; i++)
      expect(ranges[i]!.start).toBeGreaterThanOrEqual(ranges[i - 1]!.end);
    expect(allocBytes(5000).byteLength).toBe(5000);
    expect(allocBytes(5000).buffer.byteLength).toBe(5000);
  });

  it('a slab whose buffer was transferred away is replaced, not reused', () => {
    const a = allocBytes(16);
    structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
    expect(a.length).toBe(0);
    const b = allocBytes(16);
    expect(b.length).toBe(16);
    b[0] = 7;
    expect(b[0]).toBe(7);
  });

  it('f64 is big-endian IEEE-754 and round-trips every double bit for bit', () => {
    const b = new Uint8Array(8);
    putF64(b, 0, 1);
    expect(Buffer.from(b).toString('hex')).toBe('3ff0000000000000');
    fc.assert(
      fc.property(fc.double(), (d) => {
        putF64(b, 0, d);
        const back = getF64(b, 0);
        expect(Number.isNaN(d) ? Number.isNaN(back) : Object.is(back, d)).toBe(true);
        const dv = new DataView(b.buffer);
        expect(Object.is(dv.getFloat64(0), back) || Number.isNaN(back)).toBe(true);
      }),
    );
  });

  it('getF64 reads any 8 bytes exactly as DataView does (every exponent, subnormals, -0, NaN, ±Infinity)', () => {
    const b = new Uint8Array(8);
    const dv = new DataView(b.buffer);
    const same = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));
    for (let exp = 0; exp <= 0x7ff; exp++)
      for (const sign of [0, 1])
        for (const [mantHi, lo] of [
          [0, 0],
          [0, 1],
          [0xf_ffff, 0xffff_ffff],
          [0x8_0000, 0x1234_5678],
        ] as const) {
          dv.setUint32(0, ((sign << 31) | (exp << 20) | mantHi) >>> 0);
          dv.setUint32(4, lo);
          expect(same(getF64(b, 0), dv.getFloat64(0))).toBe(true);
        }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        b.set(bytes);
        expect(same(getF64(b, 0), dv.getFloat64(0))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('u32 and u64 read and write big-endian; u64 rejects unsafe values', () => {
    const b = new Uint8Array(8);
    putU64(b, 0, 2 ** 53 - 1, 'x');
    expect(Buffer.from(b).toString('hex')).toBe('001fffffffffffff');
    expect(getU64(b, 0, 'x')).toBe(2 ** 53 - 1);
    expect(u32At(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0)).toBe(0xffff_ffff);
    expect(() => putU64(b, 0, 2 ** 53, 'x')).toThrow(CodecError);
    expect(() => putU64(b, 0, -1, 'x')).toThrow(CodecError);
    expect(() => getU64(Uint8Array.of(0, 0x20, 0, 0, 0, 0, 0, 0), 0, 'x')).toThrow(CodecError);
  });
});
