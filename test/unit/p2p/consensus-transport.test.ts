import { describe, expect, it } from 'vitest';
import { consensusTransport, type SendFailure } from '../../../node/p2p/consensus-transport.js';
import { P2PError, P2PErrorCode } from '../../../node/p2p/errors.js';

/** A sender whose sends stay pending until released one by one. */
function heldSender() {
  const pending: Array<{ to: number | 'all'; settle: (err?: Error) => void }> = [];
  const hold = (to: number | 'all') =>
    new Promise<void>((resolve, reject) => pending.push({ to, settle: (e) => (e ? reject(e) : resolve()) }));
  return {
    pending,
    sender: { broadcastConsensus: () => hold('all'), sendConsensus: (i: number) => hold(i) },
  };
}

describe('consensus transport adapter', () => {
  it('routes broadcast and sendTo, and reports a failed send with its target', async () => {
    const { pending, sender } = heldSender();
    const failures: SendFailure[] = [];
    const t = consensusTransport(sender, 4, (f) => failures.push(f));
    t.broadcast(Uint8Array.of(1));
    t.sendTo(2, Uint8Array.of(2));
    expect(pending.map((p) => p.to)).toEqual(['all', 2]);
    expect(t.inflight).toBe(2);
    pending[0]!.settle();
    pending[1]!.settle(new P2PError(P2PErrorCode.Unreachable, 'down'));
    await new Promise((r) => setImmediate(r));
    expect(t.inflight).toBe(0);
    expect(failures).toEqual([{ to: 2, err: expect.objectContaining({ code: P2PErrorCode.Unreachable }) }]);
  });

  it('drops sends beyond the in-flight bound instead of queueing them', () => {
    const { pending, sender } = heldSender();
    const failures: SendFailure[] = [];
    const t = consensusTransport(sender, 2, (f) => failures.push(f));
    for (let i = 0; i < 5; i++) t.sendTo(1, Uint8Array.of(i));
    expect(pending.length).toBe(2);
    expect(failures).toEqual([
      { to: 1, dropped: true },
      { to: 1, dropped: true },
      { to: 1, dropped: true },
    ]);
  });
});
