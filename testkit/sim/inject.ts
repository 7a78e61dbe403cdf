// Messages a Byzantine node sends to make others buffer without bound, were they careless:
// far-future views, sequence numbers far above the window, a far-future VIEW-CHANGE and a
// claim to be far ahead. Each is validly signed by the sender, so only the bounds stop them.
import { consensusSigningBytes, type Unsigned } from '../../codec/consensus-signing.js';
import { type ConsensusMessage, MessageType } from '../../codec/types.js';
import type { Cluster } from './cluster.js';
import { CHAIN_ID } from './node.js';

export function injectFar(c: Cluster, addr: number): void {
  const node = c.nodes[addr]!;
  const st = node.replica?.state;
  if (st === undefined) return;
  const sender = c.keysAt(node.height + 1).findIndex((k) => k.every((b, i) => b === node.key[i]));
  const digest = new Uint8Array(32).fill(0x42);
  const far = c.params.windowSize * 10;
  const msgs: Unsigned<ConsensusMessage>[] = [];
  for (let i = 0; i < 4 * c.params.maxFutureMessages; i++) {
    // Far-future views inside the window: buffered, but only maxFutureMessages per sender.
    msgs.push({ type: MessageType.Prepare, view: st.view + 1000 + i, seq: st.height + 1, digest, sender });
    // Sequence numbers far above the high watermark: dropped.
    msgs.push({ type: MessageType.Commit, view: st.view, seq: st.stableSeq + far + i, digest, sender });
  }
  msgs.push({
    type: MessageType.ViewChange,
    newView: 1_000_000_000,
    stableSeq: 0,
    stableDigest: new Uint8Array(32),
    checkpointProof: [],
    prepared: [],
    sender,
  });
  msgs.push({ type: MessageType.Checkpoint, seq: 1_000_000_000, digest, sender });
  for (const m of msgs) {
    const signed = { ...m, signature: c.signAs(addr, consensusSigningBytes(CHAIN_ID, m)) };
    for (const s of c.route(node, 'all', signed as ConsensusMessage)) c.deliverLater(addr, s.to, s.msg);
  }
}
