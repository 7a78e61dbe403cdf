// The durable record frame (docs/wire-format.md §12.1): CRC-32C against published check values,
// a typed error for every way a record can be cut or damaged, and the log scan's line between a
// torn tail (cut off) and damage before it (refused).
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../codec/crc32c.js';
import {
  DURABLE_MAGIC,
  DurableKind,
  decodeDurableRecord,
  encodeDurableRecord,
  scanDurableLog,
} from '../../../codec/durable-record.js';
import { CodecError, CodecErrorCode } from '../../../codec/errors.js';
import { putU32 } from '../../../codec/primitives.js';
import { concatBytes } from '../../../crypto/bytes.js';

const text = (s: string) => new TextEncoder().encode(s);
const payload = (n: number, fill: number) => Uint8Array.from({ length: n }, (_, i) => (fill + i) & 0xff);

function codeOf(f: () => unknown): CodecErrorCode | 'none' {
  try {
    f();
    return 'none';
  } catch (err) {
    if (err instanceof CodecError) return err.code;
    throw err;
  }
}

/** A copy of `b` with its CRC recomputed after an edit of the header (a well-formed record). */
function resealed(b: Uint8Array): Uint8Array {
  const out = Uint8Array.from(b);
  putU32(out, out.length - 4, crc32c(out, 0, out.length - 4));
  return out;
}

describe('CRC-32C', () => {
  it('gives the published check values (RFC 3720 B.4 and the standard check string)', () => {
    expect(crc32c(text('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('the 8-byte loop agrees with the byte loop at every length and alignment', () => {
    const b = payload(100, 7);
    const bytewise = (x: Uint8Array) => {
      let c = 0xffffffff;
      for (const v of x) {
        c ^= v;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    for (let start = 0; start < 9; start++)
      for (let end = start; end <= b.length; end++)
        expect(crc32c(b, start, end)).toBe(bytewise(b.subarray(start, end)));
  });
});

describe('durable record', () => {
  const rec = encodeDurableRecord(DurableKind.Evidence, payload(20, 1));

  it('frames: magic, kind, version, length, payload, CRC-32C of all before it', () => {
    expect(rec.length).toBe(14 + 20);
    expect(Buffer.from(rec.subarray(0, 10)).toString('hex')).toBe('424b4452020100000014');
    expect(crc32c(rec, 0, 30)).toBe(Buffer.from(rec).readUInt32BE(30));
    expect(decodeDurableRecord(rec, DurableKind.Evidence)).toEqual(payload(20, 1));
    expect(
      decodeDurableRecord(encodeDurableRecord(DurableKind.ConsensusState, new Uint8Array(0)), 1),
    ).toEqual(new Uint8Array(0));
  });

  it('every cut is TRUNCATED, every flipped bit BAD_CHECKSUM or a header error', () => {
    for (let n = 0; n < rec.length; n++)
      expect(codeOf(() => decodeDurableRecord(rec.subarray(0, n), DurableKind.Evidence))).toBe(
        CodecErrorCode.Truncated,
      );
    for (let i = 0; i < rec.length; i++)
      for (let bit = 0; bit < 8; bit++) {
        const b = Uint8Array.from(rec);
        b[i]! ^= 1 << bit;
        expect(codeOf(() => decodeDurableRecord(b, DurableKind.Evidence))).not.toBe('none');
      }
  });

  it('names what is wrong with a well-sealed record: magic, kind, version, length, trailing bytes', () => {
    const edit = (at: number, v: number) => {
      const b = Uint8Array.from(rec);
      b[at] = v;
      return resealed(b);
    };
    expect(codeOf(() => decodeDurableRecord(edit(0, 0x41), DurableKind.Evidence))).toBe(
      CodecErrorCode.BadValue,
    );
    expect(codeOf(() => decodeDurableRecord(edit(4, 9), DurableKind.Evidence))).toBe(CodecErrorCode.BadEnum);
    expect(codeOf(() => decodeDurableRecord(edit(4, 1), DurableKind.Evidence))).toBe(CodecErrorCode.BadValue);
    expect(codeOf(() => decodeDurableRecord(edit(5, 2), DurableKind.Evidence))).toBe(
      CodecErrorCode.UnknownVersion,
    );
    expect(codeOf(() => decodeDurableRecord(edit(6, 0x10), DurableKind.Evidence))).toBe(
      CodecErrorCode.Oversized,
    );
    expect(codeOf(() => decodeDurableRecord(concatBytes(rec, Uint8Array.of(0)), DurableKind.Evidence))).toBe(
      CodecErrorCode.TrailingBytes,
    );
  });

  it('the encoder refuses what the decoder would', () => {
    expect(codeOf(() => encodeDurableRecord(7 as DurableKind, new Uint8Array(1)))).toBe(
      CodecErrorCode.InvalidInput,
    );
    expect(codeOf(() => encodeDurableRecord(DurableKind.Evidence, new Uint8Array(67108906)))).toBe(
      CodecErrorCode.InvalidInput,
    );
  });
});

describe('durable log scan', () => {
  const kind = DurableKind.ConsensusState;
  const records = [payload(40, 1), payload(3, 9), payload(70, 30)].map((p) => encodeDurableRecord(kind, p));
  const log = concatBytes(...records);
  const lastAt = records[0]!.length + records[1]!.length;

  it('reads every record of a clean log, and nothing of an empty one', () => {
    const s = scanDurableLog(log, kind);
    expect(s.torn).toBeNull();
    expect(s.records.map((r) => [r.offset, r.length])).toEqual([
      [0, 54],
      [54, 17],
      [71, 84],
    ]);
    expect(s.records[2]!.payload).toEqual(payload(70, 30));
    expect(scanDurableLog(new Uint8Array(0), kind)).toEqual({ records: [], torn: null });
  });

  it('the last record cut at every byte is a torn tail: the records before it, the cut reported', () => {
    for (let cut = lastAt + 1; cut < log.length; cut++) {
      const s = scanDurableLog(log.subarray(0, cut), kind);
      expect(s.records).toHaveLength(2);
      expect(s.torn).toMatchObject({ offset: lastAt, bytes: cut - lastAt });
    }
  });

  it('a tail of unwritten pages (zeros) and a last record with a flipped bit are torn too', () => {
    const zeros = scanDurableLog(concatBytes(log, new Uint8Array(300)), kind);
    expect(zeros.records).toHaveLength(3);
    expect(zeros.torn).toMatchObject({ offset: log.length, bytes: 300 });
    const flipped = Uint8Array.from(log);
    flipped[lastAt + 20]! ^= 0x10;
    const s = scanDurableLog(flipped, kind);
    expect(s.records).toHaveLength(2);
    expect(s.torn?.reason).toContain('CRC-32C mismatch');
  });

  it('a damaged record before a whole one is refused, naming its offset, whatever byte is hit', () => {
    for (let i = records[0]!.length; i < lastAt; i++) {
      const b = Uint8Array.from(log);
      b[i]! ^= 0x01;
      let err: unknown;
      try {
        scanDurableLog(b, kind);
      } catch (e) {
        err = e;
      }
      expect(err, `byte ${i}`).toBeInstanceOf(CodecError);
      expect((err as CodecError).meta.offset).toBe(records[0]!.length);
    }
  });

  it('a middle record with a bad CRC is BAD_CHECKSUM at its offset', () => {
    const b = Uint8Array.from(log);
    b[records[0]!.length + 12]! ^= 0x80;
    expect(() => scanDurableLog(b, kind)).toThrow(
      expect.objectContaining({
        code: CodecErrorCode.BadChecksum,
        meta: expect.objectContaining({ offset: 54 }),
      }),
    );
  });

  it('a whole record of another kind or of a newer version is refused, not cut off', () => {
    const other = concatBytes(log, encodeDurableRecord(DurableKind.Evidence, payload(5, 0)));
    expect(codeOf(() => scanDurableLog(other, kind))).toBe(CodecErrorCode.BadValue);
    const newer = Uint8Array.from(log);
    newer[lastAt + 5] = 2;
    expect(codeOf(() => scanDurableLog(resealedAt(newer, lastAt), kind))).toBe(CodecErrorCode.UnknownVersion);
  });

  it('bytes after the last record longer than any record can be are damage, not a torn tail', () => {
    const junk = new Uint8Array(14 + 67108905 + 1);
    putU32(junk, 0, DURABLE_MAGIC ^ 1);
    expect(codeOf(() => scanDurableLog(junk, DurableKind.Evidence))).toBe(CodecErrorCode.BadValue);
  });
});

/** Recomputes the CRC of the record at `at` in a log (its length read from its header). */
function resealedAt(log: Uint8Array, at: number): Uint8Array {
  const n = Buffer.from(log).readUInt32BE(at + 6);
  const end = at + 14 + n;
  return concatBytes(log.subarray(0, at), resealed(log.subarray(at, end)), log.subarray(end));
}
