import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../codec/errors.js';
import {
  blockHeaderHashInput,
  commitSigningBytes,
  domainTag,
  kpiDigestSigningBytes,
  storageCheckInput,
} from '../../../codec/signing.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('signing bytes', () => {
  it('prefix an ASCII domain tag ending in NUL', () => {
    expect(Buffer.from(domainTag('commit')).toString('latin1')).toBe('BKDMS/v1/commit\0');
    expect(() => domainTag('Bad Name')).toThrow(CodecError);
  });

  it('KPI digest signing bytes = tag || digest', () => {
    const d = new Uint8Array(32).fill(7);
    expect(hex(kpiDigestSigningBytes(d))).toBe(hex(domainTag('kpi-digest')) + '07'.repeat(32));
    expect(() => kpiDigestSigningBytes(new Uint8Array(31))).toThrow(CodecError);
  });

  it('COMMIT signing bytes match the documented vector', () => {
    const chainId = new Uint8Array(32).fill(0x11);
    const blockHash = new Uint8Array(32).fill(0x22);
    const b = commitSigningBytes(chainId, 3, 258, blockHash);
    expect(hex(b)).toBe(
      hex(domainTag('commit')) +
        '01' +
        '11'.repeat(32) +
        '0000000000000003' +
        '0000000000000102' +
        '22'.repeat(32),
    );
    expect(() => commitSigningBytes(chainId, -1, 1, blockHash)).toThrow(CodecError);
  });

  it('distinct purposes never share signing bytes for the same payload', () => {
    const h = new Uint8Array(223);
    const a = hex(blockHeaderHashInput(h));
    const s = hex(storageCheckInput(new Uint8Array(223 + 32)));
    expect(a).not.toBe(s);
    expect(s.startsWith(hex(domainTag('storage-check')))).toBe(true);
    expect(s.length).toBe((domainTag('storage-check').length + 223) * 2);
  });
});
