// The consensus WAL's state and evidence payloads (docs/wire-format.md §12.2, §12.3): random
// valid values round-trip both ways, the encoder writes sets sorted and refuses two entries for
// one key, and the decoder refuses the order and types the encoder never writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeConsensusState,
  decodeConsensusStateRecord,
  decodeEvidence,
  encodeConsensusState,
  encodeConsensusStateRecord,
  encodeEvidence,
} from '../../../codec/consensus-state.js';
import { DurableKind, encodeDurableRecord } from '../../../codec/durable-record.js';
import { CodecError, CodecErrorCode } from '../../../codec/errors.js';
import {
  type EvidenceRecord,
  MessageType,
  type PersistentState,
  type PrePrepare,
  VoteKind,
} from '../../../codec/types.js';
import { consensusState, evidenceRecord } from '../../../testkit/consensus-arbitraries.js';
import { hex } from './helpers.js';
import {
  vectorCommit,
  vectorConsensusState,
  vectorEvidence,
  vectorNewView,
  vectorPrePrepare,
  vectorViewChange,
} from './vectors.js';

function codeOf(f: () => unknown): CodecErrorCode | 'none' {
  try {
    f();
    return 'none';
  } catch (err) {
    if (err instanceof CodecError) return err.code;
    throw err;
  }
}

describe('consensus state payload', () => {
  it('decode(encode(x)) = x and encode(decode(b)) = b for random valid states', () => {
    fc.assert(
      fc.property(consensusState, (s) => {
        const b = encodeConsensusState(s);
        const d = decodeConsensusState(b);
        expect(d).toEqual(s);
        expect(hex(encodeConsensusState(d))).toBe(hex(b));
      }),
      { numRuns: 100 },
    );
  });

  it('the WAL record, written in one buffer, is the payload framed as a durable record', () => {
    fc.assert(
      fc.property(consensusState, (s) => {
        const rec = encodeConsensusStateRecord(s);
        expect(hex(rec)).toBe(hex(encodeDurableRecord(DurableKind.ConsensusState, encodeConsensusState(s))));
        expect(decodeConsensusStateRecord(rec)).toEqual(s);
      }),
      { numRuns: 50 },
    );
  });

  it('the arbitrary reaches a view change with its VIEW-CHANGE, votes of every kind, proofs with bodies', () => {
    const seen = new Set<string>();
    for (const s of fc.sample(consensusState, { seed: 1, numRuns: 500 })) {
      if (s.viewChange !== null) seen.add('view-change');
      if (s.newView?.prePrepares.length) seen.add('new-view kept');
      for (const v of s.votes) seen.add(v.kind);
      if (s.prepared.some((p) => p.envelopes !== undefined)) seen.add('body');
    }
    expect([...seen].sort()).toEqual([
      'body',
      'commit',
      'new-view',
      'new-view kept',
      'pre-prepare',
      'prepare',
      'view-change',
    ]);
  });

  it('votes are written sorted by (view, seq, kind), whatever order the replica holds them in', () => {
    const shuffled: PersistentState = {
      ...vectorConsensusState,
      votes: [...vectorConsensusState.votes].reverse(),
    };
    expect(hex(encodeConsensusState(shuffled))).toBe(hex(encodeConsensusState(vectorConsensusState)));
  });

  it('two votes for one (kind, view, seq) or two proofs for one seq are refused by the encoder', () => {
    const s = vectorConsensusState;
    const twice = { ...s, votes: [s.votes[0]!, { ...s.votes[0]!, digest: new Uint8Array(32) }] };
    expect(codeOf(() => encodeConsensusState(twice))).toBe(CodecErrorCode.InvalidInput);
    expect(codeOf(() => encodeConsensusState({ ...s, prepared: [s.prepared[0]!, s.prepared[0]!] }))).toBe(
      CodecErrorCode.InvalidInput,
    );
  });

  it('the encoder refuses shapes it cannot write exactly', () => {
    const s = vectorConsensusState;
    const bad: unknown[] = [
      { ...s, inViewChange: 1 },
      { ...s, votes: [{ ...s.votes[0]!, kind: 'vote' }] },
      { ...s, viewChange: vectorCommit },
      { ...s, view: -1 },
      { ...s, votes: Array.from({ length: 4097 }, (_, i) => ({ ...s.votes[0]!, seq: i })) },
    ];
    for (const x of bad)
      expect(codeOf(() => encodeConsensusState(x as PersistentState))).toBe(CodecErrorCode.InvalidInput);
  });

  it('the decoder refuses votes out of order, an unknown vote kind, a VIEW-CHANGE of another type', () => {
    const b = encodeConsensusState(vectorConsensusState);
    const at = 117 + 2; // the first vote (§12.2: 53 + 66·c, c = 1)
    const swapped = Uint8Array.from(b);
    swapped[at] = 3; // COMMIT before PREPARE of the same (view, seq): equal keys, not ascending
    expect(codeOf(() => decodeConsensusState(swapped))).toBe(CodecErrorCode.BadValue);
    const kind = Uint8Array.from(b);
    kind[at] = 5;
    expect(codeOf(() => decodeConsensusState(kind))).toBe(CodecErrorCode.BadEnum);
    expect(codeOf(() => decodeConsensusState(b.subarray(0, b.length - 1)))).toBe(CodecErrorCode.Truncated);
    // The VIEW-CHANGE runs to the end (607 bytes, §13's vector); its type byte is the second.
    const vc = encodeConsensusState({
      ...vectorConsensusState,
      inViewChange: true,
      viewChange: vectorViewChange,
    });
    expect(decodeConsensusState(vc).viewChange).toEqual(vectorViewChange);
    vc[vc.length - 607 + 1] = MessageType.NewView;
    expect(codeOf(() => decodeConsensusState(vc))).toBe(CodecErrorCode.BadValue);
  });

  it('a NEW-VIEW vote (seq 0) sorts after the votes of earlier views', () => {
    const s: PersistentState = {
      ...vectorConsensusState,
      view: 4,
      inViewChange: false,
      votes: [
        ...vectorConsensusState.votes,
        { kind: VoteKind.NewView, view: 4, seq: 0, digest: new Uint8Array(32) },
      ],
    };
    expect(decodeConsensusState(encodeConsensusState(s)).votes.map((v) => v.kind)).toEqual([
      VoteKind.Prepare,
      VoteKind.Commit,
      VoteKind.NewView,
    ]);
  });
});

describe('consensus state: the NEW-VIEW kept', () => {
  const bodyless = (pp: PrePrepare): PrePrepare => ({
    ...pp,
    block: { header: pp.block.header, envelopes: [] },
  });
  const kept = { ...vectorNewView, prePrepares: vectorNewView.prePrepares.map(bodyless) };
  const state: PersistentState = { ...vectorConsensusState, view: 4, newView: kept };

  it("round-trips without its PRE-PREPAREs' envelopes, which no wire message could hold", () => {
    expect(kept.prePrepares[0]!.block.header.txCount).toBe(2);
    const b = encodeConsensusState(state);
    expect(decodeConsensusState(b)).toEqual(state);
    // The stored entry is its header only: 337 bytes, not the 356 of the PRE-PREPARE vector.
    const withNone = encodeConsensusState({ ...state, newView: { ...kept, prePrepares: [] } });
    expect(b.length - withNone.length).toBe(337);
  });

  it('a state without the field is written with the flag 0 and read back as null', () => {
    const { newView: _, ...without } = vectorConsensusState;
    expect(decodeConsensusState(encodeConsensusState(without)).newView).toBeNull();
  });

  it('the encoder refuses a PRE-PREPARE still holding envelopes; the decoder a sender above 255', () => {
    expect(codeOf(() => encodeConsensusState({ ...state, newView: vectorNewView }))).toBe(
      CodecErrorCode.InvalidInput,
    );
    const b = encodeConsensusState({ ...state, newView: { ...kept, viewChanges: [] } });
    // The stored NEW-VIEW's sender is the u16 after the flag; the entry's sender 337 bytes from the end.
    const at = b.length - 337 - 2 - 2 - 8 - 64 - 2;
    expect(b[at - 1]).toBe(1);
    const bad = Uint8Array.from(b);
    bad[at] = 0x01; // sender 256 + 0
    expect(codeOf(() => decodeConsensusState(bad))).toBe(CodecErrorCode.BadValue);
    const badEntry = Uint8Array.from(b);
    badEntry[b.length - 337] = 0x01;
    expect(codeOf(() => decodeConsensusState(badEntry))).toBe(CodecErrorCode.BadValue);
  });
});

describe('evidence payload', () => {
  it('decode(encode(x)) = x and encode(decode(b)) = b for random valid evidence', () => {
    fc.assert(
      fc.property(evidenceRecord, (e) => {
        const b = encodeEvidence(e);
        const d = decodeEvidence(b);
        expect(d).toEqual(e);
        expect(hex(encodeEvidence(d))).toBe(hex(b));
      }),
      { numRuns: 300 },
    );
  });

  it("both messages must be of the kind's type: the encoder refuses, the decoder checks before parsing", () => {
    const mixed: EvidenceRecord = { ...vectorEvidence, second: vectorCommit };
    expect(codeOf(() => encodeEvidence(mixed))).toBe(CodecErrorCode.InvalidInput);
    const b = encodeEvidence(vectorEvidence);
    const asCommit = Uint8Array.from(b);
    asCommit[0] = 3; // conflicting COMMITs, holding PREPAREs
    expect(codeOf(() => decodeEvidence(asCommit))).toBe(CodecErrorCode.BadValue);
    const unknown = Uint8Array.from(b);
    unknown[0] = 4;
    expect(codeOf(() => decodeEvidence(unknown))).toBe(CodecErrorCode.BadEnum);
    const pp: EvidenceRecord = { ...vectorEvidence, first: vectorPrePrepare, second: vectorPrePrepare };
    expect(codeOf(() => encodeEvidence(pp))).toBe(CodecErrorCode.InvalidInput);
    expect(decodeEvidence(b).first.type).toBe(MessageType.Prepare);
  });
});
