import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../crypto/bytes.js';
import { P2PErrorCode } from '../../../node/p2p/errors.js';
import { frameOf, readFrame } from '../../../node/p2p/frame.js';
import { chunks, cut } from '../../support/byte-chunks.js';

describe('length-prefixed frame', () => {
  it('reads back what was framed, however the stream is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(400), { maxLength: 8 }),
        async (body, at) => {
          const wire = concatBytes(...frameOf([body], 300));
          const got = await readFrame(chunks(cut(wire, at)), 300);
          expect([...got]).toEqual([...body]);
        },
      ),
    );
  });

  it('joins several parts into one body', async () => {
    const wire = concatBytes(...frameOf([Uint8Array.of(1), Uint8Array.of(2, 3)], 10));
    expect([...wire]).toEqual([0, 0, 0, 3, 1, 2, 3]);
  });

  it('refuses to frame a body over the cap', () => {
    expect(() => frameOf([new Uint8Array(11)], 10)).toThrow(
      expect.objectContaining({ code: P2PErrorCode.Oversized }),
    );
  });

  it('refuses an announced length over the cap before reading the body', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      pulled++;
      yield Uint8Array.of(0, 0, 1, 0); // 256 bytes announced
      pulled++;
      yield new Uint8Array(256);
    }
    await expect(readFrame(source(), 255)).rejects.toMatchObject({ code: P2PErrorCode.Oversized });
    expect(pulled).toBe(1);
  });

  it('rejects truncated headers and bodies, and bytes after the frame', async () => {
    const bad = async (parts: number[][]) => readFrame(chunks(parts.map((p) => Uint8Array.from(p))), 100);
    await expect(bad([])).rejects.toMatchObject({ code: P2PErrorCode.BadFrame });
    await expect(bad([[0, 0]])).rejects.toMatchObject({ code: P2PErrorCode.BadFrame });
    await expect(bad([[0, 0, 0, 3, 1]])).rejects.toMatchObject({ code: P2PErrorCode.BadFrame });
    await expect(bad([[0, 0, 0, 1, 1], [2]])).rejects.toMatchObject({ code: P2PErrorCode.BadFrame });
  });

  it('accepts Uint8ArrayList-like chunks', async () => {
    const list = { subarray: () => Uint8Array.of(0, 0, 0, 2, 7, 8) };
    async function* source() {
      yield list;
    }
    expect([...(await readFrame(source(), 10))]).toEqual([7, 8]);
  });
});
