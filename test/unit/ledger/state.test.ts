import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reason } from '../../../ledger/reasons.js';
import { putSeq, seqWindow, WindowedSeqRecord } from '../../../ledger/registry.js';
import { checkSeq, EMPTY_WINDOW, recordSeq, SEQ_WINDOW } from '../../../ledger/seq-window.js';
import { ContractState, canonicalJson } from '../../../ledger/state.js';
import { StateRootTree } from '../../../ledger/state-root.js';

describe('replay window', () => {
  it('accepts exactly the unseen seqs above hwm - window (model: a set of applied seqs)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), (seqs) => {
        let w = EMPTY_WINDOW;
        const seen = new Set<number>();
        let hwm = 0;
        for (const s of seqs) {
          const expected =
            s < 1 || s <= hwm - SEQ_WINDOW
              ? Reason.SeqTooOld
              : seen.has(s)
                ? Reason.SeqReplayed
                : Reason.None;
          expect(checkSeq(w, s)).toBe(expected);
          if (expected === Reason.None) {
            w = recordSeq(w, s);
            seen.add(s);
            hwm = Math.max(hwm, s);
          }
        }
      }),
    );
  });
});

describe('state root', () => {
  const entry = fc.tuple(fc.stringMatching(/^[a-z]{1,3}\/[0-9a-f]{0,6}$/), fc.uint8Array({ maxLength: 12 }));

  it('does not depend on insertion order, and incremental equals full recomputation', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (entries, dels) => {
          const a = new StateRootTree();
          const b = new StateRootTree();
          const last = new Map(entries);
          for (const [k, v] of entries) a.set(k, v);
          for (const [k, v] of [...last].reverse()) b.set(k, v);
          const keys = [...last.keys()];
          for (const d of dels) {
            const k = keys[d % Math.max(1, keys.length)];
            if (k === undefined) continue;
            a.set(k, undefined);
            b.set(k, undefined);
          }
          const root = a.root();
          expect(b.root()).toEqual(root);
          expect(a.fullRoot()).toEqual(root);
        },
      ),
    );
  });

  it('changes with any value', () => {
    const t = new StateRootTree();
    t.set('a/1', Uint8Array.of(1));
    const r1 = t.root();
    t.set('a/1', Uint8Array.of(2));
    expect(t.root()).not.toEqual(r1);
    t.set('a/1', Uint8Array.of(1));
    expect(t.root()).toEqual(r1);
  });

  it('hands out proofs that later changes do not rewrite (the tree hashes in place)', () => {
    const t = new StateRootTree();
    t.set('a/1', Uint8Array.of(1));
    const proof = t.proof('a/1');
    const before = proof.siblings.map((h) => h.slice());
    // Keys in every other bucket change: the proof's siblings would move if they were the tree's own nodes.
    for (let i = 0; i < 20_000; i++) t.set(`b/${i}`, Uint8Array.of(i & 0xff));
    t.root();
    expect(proof.siblings).toEqual(before);
    expect(t.proof('a/1').siblings).not.toEqual(before);
  });

  it('keeps a replay window per seq record as stored: a flushed state and a rebuilt one agree', () => {
    const s = new ContractState();
    const key = '00'.repeat(16);
    for (const seq of [5, 3, 9]) putSeq(s, key, seq);
    s.flush();
    putSeq(s, key, 7);
    const rebuilt = ContractState.fromEntries(s.entries());
    s.flush();
    const again = ContractState.fromEntries(s.entries());
    expect(seqWindow(rebuilt, key)).toEqual({ hwm: 9, mask: (1n << 0n) | (1n << 4n) | (1n << 6n) });
    expect(seqWindow(s, key)).toEqual(seqWindow(again, key));
    expect(seqWindow(s, key).mask).toBe((1n << 0n) | (1n << 2n) | (1n << 4n) | (1n << 6n));
  });

  it('a record putSeq makes is the plain {hwm, mask} record to JSON, canonical JSON and a deep comparison', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5000 }), { maxLength: 60 }), (seqs) => {
        let w = EMPTY_WINDOW;
        for (const seq of seqs) if (checkSeq(w, seq) === Reason.None) w = recordSeq(w, seq);
        const plain = { hwm: w.hwm, mask: w.mask.toString(16) };
        const live = new WindowedSeqRecord(w);
        expect(canonicalJson(live)).toBe(canonicalJson(plain));
        expect(JSON.stringify(live)).toBe(JSON.stringify(plain));
        expect(Object.keys(live)).toEqual(['hwm', 'mask']);
        expect(live).toEqual(plain);
        expect({ ...live }).toEqual(plain);
      }),
    );
  });

  it('flushes the same bytes and root as records holding their mask hex, put after put', () => {
    const live = new ContractState();
    const plain = new ContractState();
    const keys = ['00'.repeat(16), 'ab'.repeat(16)];
    let w = [EMPTY_WINDOW, EMPTY_WINDOW];
    const seqs = [3, 1, 2, 900, 5, 2000, 1990, 1991, 4000, 3999, 3000];
    for (const [i, seq] of seqs.entries()) {
      const k = i % 2;
      if (checkSeq(w[k]!, seq) !== Reason.None) continue;
      putSeq(live, keys[k]!, seq);
      w[k] = recordSeq(w[k]!, seq);
      plain.put(`seq/${keys[k]}`, { hwm: w[k]!.hwm, mask: w[k]!.mask.toString(16) });
      if (i % 3 === 2) expect(live.flush()).toEqual(plain.flush());
      expect(live.root()).toEqual(plain.root());
    }
    expect(live.flush()).toEqual(plain.flush());
    expect(live.entries()).toEqual(plain.entries());
    w = [seqWindow(live, keys[0]!), seqWindow(live, keys[1]!)];
    expect(w).toEqual([seqWindow(plain, keys[0]!), seqWindow(plain, keys[1]!)]);
  });

  it('survives persistence: a state rebuilt from its entries has the same root and values', () => {
    const s = new ContractState();
    s.put('site/01', { b: 2, a: [1, 'x'] });
    s.put('seq/01', { hwm: 3, mask: '7' });
    s.put('gone', 1);
    const changes = s.flush();
    expect(changes.map((c) => new TextDecoder().decode(c.key))).toEqual(['gone', 'seq/01', 'site/01']);
    s.del('gone');
    expect(s.flush()).toHaveLength(1);
    const copy = ContractState.fromEntries(s.entries());
    expect(copy.root()).toEqual(s.root());
    expect(copy.get('site/01')).toEqual({ a: [1, 'x'], b: 2 });
    expect(copy.get('gone')).toBeUndefined();
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 0, y: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":1,"z":0}]},"b":1}',
    );
  });
});
