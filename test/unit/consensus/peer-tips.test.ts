// Replica.peerTips: the height and block hash each peer last signed in a CHECKPOINT (the status
// heartbeat included), which the node's fault management compares with its own blocks. Forged
// checkpoints are not recorded; a lower height does not replace a higher one.
import { describe, expect, test } from 'vitest';
import { consensusSigningBytes } from '../../../codec/consensus-signing.js';
import { type Checkpoint, MessageType } from '../../../codec/types.js';
import { defaultConsensusParams, Replica } from '../../../consensus/index.js';
import { Cluster } from '../../../testkit/sim/cluster.js';
import { CHAIN_ID, GENESIS_HASH } from '../../../testkit/sim/node.js';
import { stubPublicKey, stubSign } from '../../../testkit/sim/stub-crypto.js';

function checkpoint(sender: number, seq: number, fill: number, signer = sender): Checkpoint {
  const body = { type: MessageType.Checkpoint as const, seq, digest: new Uint8Array(32).fill(fill), sender };
  return { ...body, signature: stubSign(stubPublicKey(signer), consensusSigningBytes(CHAIN_ID, body)) };
}

describe('Replica.peerTips', () => {
  test('records the latest signed tip of each peer, and nothing forged', () => {
    const r = new Replica(
      {
        chainId: CHAIN_ID,
        self: 0,
        validators: [0, 1, 2, 3].map(stubPublicKey),
        params: defaultConsensusParams(),
        tip: { height: 0, hash: GENESIS_HASH },
      },
      new Cluster({ n: 1, seed: 1 }).nodes[0]!.deps,
    );
    expect(r.peerTips()).toEqual([]);
    r.step(checkpoint(1, 4, 7));
    r.step(checkpoint(2, 5, 8, 3)); // signed by another key than its sender's: forged
    r.step(checkpoint(1, 3, 9)); // older than what validator 1 already announced
    const tips = r.peerTips();
    expect(tips).toHaveLength(1);
    expect(tips[0]).toEqual({ key: stubPublicKey(1), height: 4, digest: new Uint8Array(32).fill(7) });
    r.step(checkpoint(1, 6, 5));
    expect(r.peerTips()[0]).toMatchObject({ height: 6, digest: new Uint8Array(32).fill(5) });
  });
});
