// Consensus messages: every message a simulated cluster really sends (all eight types, through
// crashes, a view change and state transfer) round-trips; every truncation, trailing byte and
// random corruption is a CodecError, never another exception or a hang; encoders refuse what
// they cannot encode exactly.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { CodecError, CodecErrorCode } from '../../../codec/errors.js';
import { type ConsensusMessage, MessageType } from '../../../codec/types.js';
import { Cluster } from '../../../testkit/sim/cluster.js';

function collect(): ConsensusMessage[] {
  const seen: ConsensusMessage[] = [];
  const c = new Cluster({
    n: 4,
    seed: 7,
    params: { checkpointInterval: 4, windowSize: 8, stateBatchBlocks: 4 },
    tap: (m) => seen.push(m),
  });
  c.crash(3);
  for (let i = 0; i < 10; i++) {
    c.request(2);
    c.run(15);
  }
  c.restart(3);
  c.run(60);
  c.crash(0); // the primary: a view change with prepared proofs
  c.request(3);
  c.run(300);
  return seen;
}

const messages = collect();
const byType = new Map<MessageType, ConsensusMessage[]>();
for (const m of messages) byType.set(m.type, [...(byType.get(m.type) ?? []), m]);
const sample = [...byType.values()].flatMap((ms) => ms.slice(0, 3));
// A joining node that knows no set of its own names itself by key (the cluster above has none).
const stateRequest = byType.get(MessageType.StateRequest)?.[0];
if (stateRequest?.type === MessageType.StateRequest)
  sample.push({ ...stateRequest, key: new Uint8Array(32).fill(9) });

function codecError(f: () => unknown): CodecError | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
}

describe('consensus message codec', () => {
  test('the cluster produced every message type', () => {
    expect([...byType.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('every captured message round-trips exactly', () => {
    for (const m of messages) {
      const bytes = encodeConsensusMessage(m);
      expect(decodeConsensusMessage(bytes)).toEqual(m);
      expect(encodeConsensusMessage(decodeConsensusMessage(bytes))).toEqual(bytes);
    }
  });

  test('every truncation is Truncated or another CodecError', () => {
    for (const m of sample) {
      const bytes = encodeConsensusMessage(m);
      for (let len = 0; len < bytes.length; len++) {
        const err = codecError(() => decodeConsensusMessage(bytes.subarray(0, len)));
        expect(err, `${MessageType[m.type]} cut at ${len}`).not.toBeNull();
      }
    }
  });

  test('a trailing byte is TrailingBytes (after a STATE-RESPONSE: a pruned-answer flag that is not 1)', () => {
    for (const m of sample) {
      const bytes = encodeConsensusMessage(m);
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      const want =
        m.type === MessageType.StateResponse ? CodecErrorCode.BadEnum : CodecErrorCode.TrailingBytes;
      expect(codecError(() => decodeConsensusMessage(longer))?.code).toBe(want);
    }
  });

  test('a pruned answer round-trips; cut short it is an error; a byte after it is TrailingBytes', () => {
    const pruned: ConsensusMessage = {
      type: MessageType.StateResponse,
      sender: 1,
      signature: new Uint8Array(64).fill(3),
      blocks: [],
      earliestHeight: 513,
    };
    const bytes = encodeConsensusMessage(pruned);
    expect(bytes.length).toBe(80);
    expect(decodeConsensusMessage(bytes)).toEqual(pruned);
    // Cut before offset 71 it is an ordinary (empty) response; inside the section, an error.
    for (let len = 72; len < bytes.length; len++)
      expect(codecError(() => decodeConsensusMessage(bytes.subarray(0, len)))).not.toBeNull();
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(codecError(() => decodeConsensusMessage(longer))?.code).toBe(CodecErrorCode.TrailingBytes);
  });

  test('unknown version and type bytes are refused', () => {
    const bytes = encodeConsensusMessage(sample[0]!).slice();
    bytes[0] = 9;
    expect(codecError(() => decodeConsensusMessage(bytes))?.code).toBe(CodecErrorCode.UnknownVersion);
    bytes[0] = 1;
    bytes[1] = 9;
    expect(codecError(() => decodeConsensusMessage(bytes))?.code).toBe(CodecErrorCode.BadEnum);
  });

  test('fuzz: corrupted encodings decode or throw CodecError, nothing else', () => {
    const encoded = sample.map(encodeConsensusMessage);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: encoded.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (which, edits) => {
          const b = encoded[which]!.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          codecError(() => decodeConsensusMessage(b));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('fuzz: random bytes decode or throw CodecError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
        codecError(() => decodeConsensusMessage(b));
      }),
      { numRuns: 3000 },
    );
  });

  test('encoders refuse values they cannot encode', () => {
    const commit = byType.get(MessageType.Commit)![0]!;
    expect(codecError(() => encodeConsensusMessage({ ...commit, sender: 256 }))?.code).toBe(
      CodecErrorCode.InvalidInput,
    );
    expect(codecError(() => encodeConsensusMessage({ ...commit, signature: new Uint8Array(3) }))?.code).toBe(
      CodecErrorCode.InvalidInput,
    );
    const vc = byType
      .get(MessageType.ViewChange)!
      .find((m) => m.type === MessageType.ViewChange && m.checkpointProof.length > 1);
    if (vc?.type !== MessageType.ViewChange) throw new Error('no view change with a checkpoint proof');
    const unordered = { ...vc, checkpointProof: [...vc.checkpointProof].reverse() };
    expect(codecError(() => encodeConsensusMessage(unordered))?.code).toBe(CodecErrorCode.InvalidInput);
    // A signer index the decoder would refuse (>= 256) is refused by the encoder too.
    const last = vc.checkpointProof[vc.checkpointProof.length - 1]!;
    const tooHigh = {
      ...vc,
      checkpointProof: [...vc.checkpointProof.slice(0, -1), { ...last, sender: 256 }],
    };
    expect(codecError(() => encodeConsensusMessage(tooHigh))?.code).toBe(CodecErrorCode.InvalidInput);
  });

  test('an encoder refuses a prepared proof body over the block envelope cap', () => {
    const vc = byType
      .get(MessageType.ViewChange)!
      .find((m) => m.type === MessageType.ViewChange && m.prepared.length > 0);
    if (vc?.type !== MessageType.ViewChange) throw new Error('no view change with a prepared proof');
    const envelope = new Uint8Array([1]);
    const huge = { ...vc.prepared[0]!, envelopes: Array.from({ length: 10_001 }, () => envelope) };
    expect(codecError(() => encodeConsensusMessage({ ...vc, prepared: [huge] }))?.code).toBe(
      CodecErrorCode.InvalidInput,
    );
  });

  test('a decoder refuses repeated or descending signers', () => {
    const vc = byType
      .get(MessageType.ViewChange)!
      .find((m) => m.type === MessageType.ViewChange && m.checkpointProof.length > 1);
    if (vc?.type !== MessageType.ViewChange) throw new Error('no view change with a checkpoint proof');
    const bytes = encodeConsensusMessage(vc).slice();
    // checkpointProof starts after header 68 + newView 8 + stableSeq 8 + digest 32 + count 2.
    const first = 68 + 48 + 2;
    const second = first + 66;
    bytes[second] = bytes[first]!;
    bytes[second + 1] = bytes[first + 1]!;
    expect(codecError(() => decodeConsensusMessage(bytes))?.code).toBe(CodecErrorCode.BadValue);
  });
});

describe('nesting', () => {
  test('a NEW-VIEW nested where a VIEW-CHANGE belongs is refused before it is parsed', () => {
    // NEW-VIEW(NEW-VIEW(...)) 20,000 deep in one buffer: each level is header 68 | view 8 |
    // count 1 | length u32 | <next level> | count 0. A parse that recursed first and checked
    // the type afterwards would overflow the stack (a RangeError, not a CodecError).
    const depth = 20_000;
    const total = depth * 84 + 80;
    const b = new Uint8Array(total);
    const dv = new DataView(b.buffer);
    for (let k = 0; k <= depth; k++) {
      const at = k * 82;
      b[at] = 1;
      b[at + 1] = MessageType.NewView;
      if (k < depth) {
        dv.setUint16(at + 76, 1);
        dv.setUint32(at + 78, total - (k + 1) * 84);
      }
    }
    expect(codecError(() => decodeConsensusMessage(b))?.code).toBe(CodecErrorCode.BadValue);
  });
});
