import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSiteId, isIpv4Mapped, KpiErrorCode, parseSiteId } from '../../../kpi/index.js';
import { kpiErrorCode } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('parseSiteId', () => {
  it('maps IPv4 into ::ffff:a.b.c.d', () => {
    expect(hex(parseSiteId('192.0.2.1'))).toBe('00000000000000000000ffffc0000201');
    expect(parseSiteId('::ffff:192.0.2.1')).toEqual(parseSiteId('192.0.2.1'));
    expect(isIpv4Mapped(parseSiteId('10.0.0.1'))).toBe(true);
  });

  it('reads IPv6 with and without compression, brackets and embedded IPv4', () => {
    expect(hex(parseSiteId('2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(hex(parseSiteId('[::1]'))).toBe('00000000000000000000000000000001');
    expect(hex(parseSiteId('::'))).toBe('0'.repeat(32));
    expect(hex(parseSiteId('1:2:3:4:5:6:7:8'))).toBe('00010002000300040005000600070008');
    expect(hex(parseSiteId('64:ff9b::192.0.2.33'))).toBe('0064ff9b0000000000000000c0000221');
    expect(isIpv4Mapped(parseSiteId('2001:db8::1'))).toBe(false);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.256',
    '01.2.3.4',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '1:2:3:4:5:6:7:8::',
    'fe80::1%eth0',
    '12345::1',
    'g::1',
    '::1.2.3.4.5',
    'localhost',
  ])('rejects %s', (text) => {
    expect(kpiErrorCode(() => parseSiteId(text))).toBe(KpiErrorCode.BadSiteId);
  });
});

describe('formatSiteId', () => {
  it('writes RFC 5952 canonical text', () => {
    expect(formatSiteId(parseSiteId('2001:0DB8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(formatSiteId(parseSiteId('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatSiteId(parseSiteId('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatSiteId(parseSiteId('::'))).toBe('::');
    expect(formatSiteId(parseSiteId('1::'))).toBe('1::');
  });

  it('writes mapped IPv4 as a dotted quad, or as ::ffff: on request', () => {
    const id = parseSiteId('198.51.100.7');
    expect(formatSiteId(id)).toBe('198.51.100.7');
    expect(formatSiteId(id, { mappedAsIpv6: true })).toBe('::ffff:198.51.100.7');
  });

  it('refuses bytes that are not 16 long', () => {
    expect(kpiErrorCode(() => formatSiteId(new Uint8Array(4)))).toBe(KpiErrorCode.BadSiteId);
  });

  it('round-trips any 16 bytes through text, and text is canonical', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      // Sparse addresses exercise the zero-run compression.
      fc
        .array(fc.constantFrom(0, 0, 0, 1, 0xff), { minLength: 16, maxLength: 16 })
        .map((a) => Uint8Array.from(a)),
    );
    fc.assert(
      fc.property(bytes, (id) => {
        const text = formatSiteId(id);
        expect(parseSiteId(text)).toEqual(id);
        expect(formatSiteId(parseSiteId(text))).toBe(text);
        expect(text).not.toMatch(/:::|[A-F]/);
      }),
    );
  });
});
