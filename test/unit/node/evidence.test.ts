// Evidence for the ledger (docs/consensus.md §8), through the node's real driver and
// store: two conflicting messages signed by one validator become one record in the store's
// evidence bucket, keyed by the tracing code of the first, holding both signed messages byte for
// byte; the write is synced, so the record survives a power loss right after it.
import { afterEach, describe, expect, test } from 'vitest';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { consensusSigningBytes, type Unsigned } from '../../../codec/consensus-signing.js';
import { type ConsensusMessage, MessageType, type PrePrepare, type Prepare } from '../../../codec/types.js';
import { bytesEqual } from '../../../consensus/bytes.js';
import { EvidenceKind } from '../../../consensus/index.js';
import { tracingCode } from '../../../crypto/hash.js';
import type { Store } from '../../../node/store/index.js';
import { conflictingPrePrepare } from '../../../testkit/sim/byzantine.js';
import { Cluster } from '../../../testkit/sim/cluster.js';
import { CHAIN_ID } from '../../../testkit/sim/node.js';
import { stubPublicKey, stubSign, stubVerify } from '../../../testkit/sim/stub-crypto.js';
import { type DriverHarness, driverHarness } from '../../sim/driver-harness.js';

interface StoredEvidence {
  key: Uint8Array;
  kind: EvidenceKind;
  offender: Uint8Array;
  /** The messages as stored, encoded again (canonical: the bytes the offender signed and sent). */
  first: Uint8Array;
  second: Uint8Array;
}

async function storedEvidence(store: Store): Promise<StoredEvidence[]> {
  const out: StoredEvidence[] = [];
  for await (const [key, e] of store.evidence())
    out.push({
      key,
      kind: e.kind,
      offender: e.offender,
      first: encodeConsensusMessage(e.first),
      second: encodeConsensusMessage(e.second),
    });
  return out;
}

const signedBy = (key: Uint8Array, m: ConsensusMessage): boolean => {
  const { signature, ...body } = m;
  return stubVerify(key, consensusSigningBytes(CHAIN_ID, body as Unsigned<ConsensusMessage>), signature);
};

/** The record holds exactly `a` then `b`, each as sent and validly signed by the offender. */
function expectHolds(e: StoredEvidence, a: ConsensusMessage, b: ConsensusMessage): void {
  expect(bytesEqual(e.first, encodeConsensusMessage(a))).toBe(true);
  expect(bytesEqual(e.second, encodeConsensusMessage(b))).toBe(true);
  expect(bytesEqual(e.key, tracingCode(e.first))).toBe(true);
  for (const m of [e.first, e.second]) expect(signedBy(e.offender, decodeConsensusMessage(m))).toBe(true);
}

let h: DriverHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('evidence through the driver into the store', () => {
  test('two PREPAREs of one validator for one (view, seq): stored, readable, and kept after a crash', async () => {
    const prepare = (fill: number): Prepare => {
      const body = {
        type: MessageType.Prepare as const,
        view: 0,
        seq: 1,
        digest: new Uint8Array(32).fill(fill),
        sender: 2,
      };
      return { ...body, signature: stubSign(stubPublicKey(2), consensusSigningBytes(CHAIN_ID, body)) };
    };
    const [a, b] = [prepare(1), prepare(2)];
    h = await driverHarness(0, 4);
    expect(await storedEvidence(h.store)).toEqual([]);
    await h.deliver([a, b, a]); // a repeat of the first is no new evidence
    expect(h.fatal).toEqual([]);
    await h.crash();
    const stored = await storedEvidence(h.store);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.kind).toBe(EvidenceKind.ConflictingPrepare);
    expect(bytesEqual(stored[0]!.offender, stubPublicKey(2))).toBe(true);
    expectHolds(stored[0]!, a, b);
  });

  test("an equivocating primary's two PRE-PREPAREs are stored with their blocks", async () => {
    // A real PRE-PREPARE of primary 0, and a second one for the same (view, seq): a later time.
    const c = new Cluster({ n: 4, seed: 3 });
    c.request(2);
    c.run(3);
    const pp = c.recent.find((m): m is PrePrepare => m.type === MessageType.PrePrepare)!;
    const alt = conflictingPrePrepare(c, c.nodes[0]!, pp);
    h = await driverHarness(1, 4);
    await h.deliver([pp, alt]);
    expect(h.fatal).toEqual([]);
    const stored = await storedEvidence(h.store);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.kind).toBe(EvidenceKind.ConflictingPrePrepare);
    expect(bytesEqual(stored[0]!.offender, stubPublicKey(0))).toBe(true);
    expectHolds(stored[0]!, pp, alt);
    const second = decodeConsensusMessage(stored[0]!.second) as PrePrepare;
    expect(second.block.header.time).toBe(pp.block.header.time + 1);
    expect(second.block.envelopes).toHaveLength(2);
  });
});
