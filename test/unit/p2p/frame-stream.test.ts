// Frames one after another on a persistent stream: readFrames against frameBytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../../crypto/bytes.js';
import { P2PErrorCode } from '../../../node/p2p/errors.js';
import { frameBytes, readFrames } from '../../../node/p2p/frame.js';
import { chunks, cut } from '../../support/byte-chunks.js';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const f of source) out.push(f);
  return out;
}

describe('frames on a persistent stream', () => {
  it('reads every frame in order, however the bytes are cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (bodies, cuts) => {
          const wire = concatBytes(...bodies.map((b) => frameBytes(b, 64)));
          const got = await collect(readFrames(chunks(cut(wire, cuts)), 64, () => true));
          expect(got.map((g) => [...g])).toEqual(bodies.map((b) => [...b]));
        },
      ),
    );
  });

  it('skips a frame the admit check refuses without losing the frames after it', async () => {
    const bodies = [Uint8Array.of(1), new Uint8Array(30).fill(2), Uint8Array.of(3, 3)];
    const wire = concatBytes(...bodies.map((b) => frameBytes(b, 64)));
    const seen: number[] = [];
    const got = await collect(
      readFrames(chunks(cut(wire, [2, 7, 11, 20])), 64, (length) => {
        seen.push(length);
        return length !== 30;
      }),
    );
    expect(seen).toEqual([1, 30, 2]);
    expect(got.map((g) => [...g])).toEqual([[1], [3, 3]]);
  });

  it('refuses an announced length over the cap at its header, before any body arrives', async () => {
    const header = frameBytes(new Uint8Array(65), 100).subarray(0, 4);
    let bodyPulled = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield frameBytes(Uint8Array.of(9), 64);
      yield header;
      bodyPulled = true;
      yield new Uint8Array(65);
    }
    const got: Uint8Array[] = [];
    await expect(
      (async () => {
        for await (const f of readFrames(source(), 64, () => true)) got.push(f);
      })(),
    ).rejects.toMatchObject({ code: P2PErrorCode.Oversized });
    expect(got.map((g) => [...g])).toEqual([[9]]);
    expect(bodyPulled).toBe(false);
  });

  it('a stream that ends inside a header, a body or a skipped body is BAD_FRAME', async () => {
    const frame = frameBytes(new Uint8Array(10).fill(5), 64);
    for (const [end, admit] of [
      [2, true],
      [8, true],
      [8, false],
    ] as const) {
      await expect(
        collect(readFrames(chunks([frame.subarray(0, end)]), 64, () => admit)),
      ).rejects.toMatchObject({
        code: P2PErrorCode.BadFrame,
      });
    }
    expect(await collect(readFrames(chunks([]), 64, () => true))).toEqual([]);
  });

  it('frameBytes refuses a body over the cap', () => {
    expect(() => frameBytes(new Uint8Array(65), 64)).toThrow(
      expect.objectContaining({ code: P2PErrorCode.Oversized }),
    );
    expect([...frameBytes(Uint8Array.of(7), 64)]).toEqual([0, 0, 0, 1, 7]);
  });
});
