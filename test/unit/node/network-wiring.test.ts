// The topic validators of node/network-wiring.ts with a fake P2P and driver and a real Admission:
// what each admission outcome of a gossiped batch tells gossipsub, and that a batch is admitted once.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { encodeConsensusMessage } from '../../../codec/consensus-messages.js';
import { setEnvelopeSignature } from '../../../codec/envelope-view.js';
import { type Envelope, MessageType } from '../../../codec/types.js';
import { bytesEqual } from '../../../crypto/bytes.js';
import { verify } from '../../../crypto/ed25519.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { Admission, type BatchVerifier, hex } from '../../../node/admission/admission.js';
import { Mempool } from '../../../node/chain/mempool.js';
import { envelopeTracingCode } from '../../../node/chain/tx-hash.js';
import { NodeErrorCode } from '../../../node/errors.js';
import { GossipBacklog } from '../../../node/gossip-backlog.js';
import { createNodeMetrics } from '../../../node/mgmt/metrics.js';
import { type NetworkWiring, wireNetwork } from '../../../node/network-wiring.js';
import type {
  InboundMessage,
  MessageKind,
  MessageValidator,
  P2PEventMap,
  Verdict,
} from '../../../node/p2p/index.js';
import { site, upload } from '../store/fixtures.js';

const chainId = new Uint8Array(32).fill(7);
const good = site(1);
/** A site this node's committed state has revoked (the peer may not have committed that yet). */
const revoked = site(2);
const env = (seq: number, s = good, time = 1000 + seq): Uint8Array => upload(chainId, s, seq, time);
const realVerifier: BatchVerifier = {
  verifyBatch: async (items) => items.map((i) => verify(i.publicKey, i.message, i.signature)),
};

/** What the P2P service does with a validator: run it, and deliver the message only when accepted. */
function fakeP2P() {
  const validators = new Map<MessageKind, MessageValidator>();
  const listeners = new Map<keyof P2PEventMap, ((ev: never) => void)[]>();
  const emit = <K extends keyof P2PEventMap>(name: K, ev: P2PEventMap[K]): void => {
    for (const fn of listeners.get(name) ?? []) (fn as (e: P2PEventMap[K]) => void)(ev);
  };
  const p2p: NetworkWiring['p2p'] = {
    setValidator: (kind, fn) => {
      validators.set(kind, fn);
    },
    on: (name, fn) => {
      listeners.set(name, [...(listeners.get(name) ?? []), fn]);
      return () => undefined;
    },
  };
  const receive = async (kind: MessageKind, data: Uint8Array, items: Uint8Array[] = []): Promise<Verdict> => {
    const msg: InboundMessage = { kind, from: 'peer-1', fromIndex: 1, data, items, direct: false };
    const verdict = await validators.get(kind)!(msg);
    if (verdict === 'accept') emit('message', msg);
    return verdict;
  };
  return { p2p, emit, receive };
}

function setup(opts: { verifier?: BatchVerifier; maxEnvelopes?: number; maxQueuedBatches?: number } = {}) {
  const mempool = new Mempool({ maxEnvelopes: opts.maxEnvelopes ?? 100, maxBytes: 1 << 20 });
  /** Sequence numbers spent by committed blocks, and the tracing codes of those blocks. */
  const spent = new Set<number>();
  const committed = new Set<string>();
  const admitted: number[] = [];
  const admission = new Admission({
    chainIdHex: hex(chainId),
    mempool,
    verifier: opts.verifier ?? realVerifier,
    recorded: async (tcs, refusedOnly) =>
      tcs.map((tc) => (!refusedOnly && committed.has(hex(tc)) ? '' : undefined)),
    authorize: (e: Envelope) =>
      bytesEqual(e.signerKeyId, keyIdOf(revoked.key.publicKey))
        ? { ok: false, code: NodeErrorCode.Unauthorized, message: 'site revoked' }
        : spent.has(e.seq)
          ? { ok: false, code: NodeErrorCode.Replayed, message: 'seq spent' }
          : { ok: true, publicKey: good.key.publicKey },
    onAdmitted: (entries) => admitted.push(...entries.map((e) => e.seq)),
    retryAfterMs: () => 100,
  });
  let admitCalls = 0;
  const consensus: Uint8Array[] = [];
  const metrics = createNodeMetrics({ processMetrics: false });
  const net = fakeP2P();
  const backlog = new GossipBacklog();
  wireNetwork({
    backlog,
    p2p: net.p2p,
    peerAdmission: {
      admit: (items) => {
        admitCalls++;
        return admission.admit(items);
      },
    },
    driver: {
      onMessage: async (b) => {
        consensus.push(b);
        return true;
      },
    },
    log: pino({ level: 'silent' }),
    metrics,
    maxQueuedBatches: opts.maxQueuedBatches,
  });
  /** Gossips a batch of envelopes (the batch bytes do not matter past the inbound gate). */
  const batch = (items: Uint8Array[]) => net.receive('envelopes', new Uint8Array(0), items);
  return {
    ...net,
    batch,
    spent,
    committed,
    admitted,
    consensus,
    metrics,
    mempool,
    backlog,
    admitCalls: () => admitCalls,
  };
}

describe('envelopes topic validator', () => {
  it('accepts a valid batch and admits it once, though the accepted message is delivered as well', async () => {
    const t = setup();
    expect(await t.batch([env(1), env(2)])).toBe('accept');
    expect(t.admitted).toEqual([1, 2]);
    expect(t.admitCalls()).toBe(1);
    expect(t.consensus).toEqual([]);
  });

  it('rejects a batch with a bad signature, keeping its good envelopes', async () => {
    const t = setup();
    const bad = env(2);
    setEnvelopeSignature(bad, new Uint8Array(64));
    expect(await t.batch([env(1), bad])).toBe('reject');
    expect(t.admitted).toEqual([1]);
  });

  it('rejects malformed, oversized and wrong-chain envelopes, and an empty batch', async () => {
    const t = setup();
    expect(await t.batch([Uint8Array.of(1, 2, 3)])).toBe('reject');
    expect(await t.batch([new Uint8Array(20_000)])).toBe('reject');
    expect(await t.batch([upload(new Uint8Array(32), good, 1, 1)])).toBe('reject');
    expect(await t.batch([])).toBe('reject');
    expect(t.admitCalls()).toBe(3);
  });

  it('ignores a batch whose every envelope is pending or committed already', async () => {
    const t = setup();
    const [a, b, c] = [env(1), env(2), env(3)];
    expect(await t.batch([a, b])).toBe('accept');
    // c was committed (its sequence number spent) before this node saw it.
    t.committed.add(hex(envelopeTracingCode(c)));
    t.spent.add(3);
    expect(await t.batch([b, c, a])).toBe('ignore');
    expect(t.admitted).toEqual([1, 2]);
  });

  it('neither penalises nor forwards envelopes refused for reasons an honest peer can cause', async () => {
    const t = setup({ maxEnvelopes: 2 });
    // Site revoked by a block the peer may not have committed yet.
    expect(await t.batch([env(1, revoked)])).toBe('ignore');
    // Sequence number spent by a block committed meanwhile, by another envelope.
    t.spent.add(5);
    expect(await t.batch([env(5)])).toBe('ignore');
    // Another envelope with a pending sequence number (the site sent two to different nodes).
    expect(await t.batch([env(6)])).toBe('accept');
    expect(await t.batch([env(6, good, 9999)])).toBe('ignore');
    // Mempool full: this node's limit.
    expect(await t.batch([env(7)])).toBe('accept');
    expect(await t.batch([env(8)])).toBe('ignore');
    // Beside a new envelope, such refusals do not stop the batch from being forwarded.
    t.mempool.remove([hex(envelopeTracingCode(env(7)))]);
    expect(await t.batch([env(1, revoked), env(9)])).toBe('accept');
    expect(t.admitted).toEqual([6, 7, 9]);
  });

  it('ignores a batch without reading it when the admission queue is full, then admits the queued ones', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const t = setup({
      maxQueuedBatches: 2,
      verifier: {
        verifyBatch: async (items) => {
          await held;
          return realVerifier.verifyBatch(items);
        },
      },
    });
    const first = t.batch([env(1)]);
    const second = t.batch([env(2)]);
    expect(await t.batch([env(3)])).toBe('ignore');
    release();
    expect(await Promise.all([first, second])).toEqual(['accept', 'accept']);
    expect(t.admitted).toEqual([1, 2]);
    expect(t.admitCalls()).toBe(2);
  });

  it('lists queued batches in the backlog until admission is done with them; keeps one the full queue ignored', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let fail = false;
    const t = setup({
      maxQueuedBatches: 2,
      verifier: {
        verifyBatch: async (items) => {
          await held;
          if (fail) throw new Error('verification pool closed');
          return realVerifier.verifyBatch(items);
        },
      },
    });
    const [e1, e2, e3] = [env(1), env(2), env(3)];
    const first = t.batch([e1]);
    const second = t.batch([e2]);
    expect(await t.batch([e3])).toBe('ignore');
    // Waiting for admission: a proposal's rebuild finds them, and the batch the queue ignored.
    expect(t.backlog.size).toBe(3);
    expect(t.backlog.get(envelopeTracingCode(e1))).toBe(e1);
    expect(t.backlog.get(envelopeTracingCode(e2))).toBe(e2);
    expect(t.backlog.get(envelopeTracingCode(e3))).toBe(e3);
    release();
    expect(await Promise.all([first, second])).toEqual(['accept', 'accept']);
    expect(t.backlog.size).toBe(1);
    expect(t.backlog.get(envelopeTracingCode(e1))).toBeUndefined();
    expect(t.backlog.get(envelopeTracingCode(e3))).toBe(e3);
    // A failed admission leaves the backlog as well.
    fail = true;
    expect(await t.batch([env(4)])).toBe('ignore');
    expect(t.backlog.size).toBe(1);
  });

  it('ignores a batch whose admission fails on this node, and goes on with the next', async () => {
    let fail = true;
    const t = setup({
      verifier: {
        verifyBatch: async (items) => {
          if (fail) throw new Error('verification pool closed');
          return realVerifier.verifyBatch(items);
        },
      },
    });
    expect(await t.batch([env(1)])).toBe('ignore');
    fail = false;
    expect(await t.batch([env(2)])).toBe('accept');
    expect(t.admitted).toEqual([2]);
  });
});

describe('consensus topic validator', () => {
  const prepare = encodeConsensusMessage({
    type: MessageType.Prepare,
    sender: 1,
    signature: new Uint8Array(64).fill(1),
    view: 0,
    seq: 1,
    digest: new Uint8Array(32).fill(2),
  });

  it('rejects a message that does not decode, and hands the driver a decodable one once', async () => {
    const t = setup();
    expect(await t.receive('consensus', Uint8Array.of(9, 9, 9))).toBe('reject');
    expect(await t.receive('consensus', prepare.subarray(0, prepare.length - 1))).toBe('reject');
    expect(t.consensus).toEqual([]);
    expect(await t.receive('consensus', prepare)).toBe('accept');
    expect(t.consensus).toEqual([prepare]);
    expect(t.admitCalls()).toBe(0);
  });
});

describe('peer events', () => {
  it('sets the connected-peers gauge from connects and disconnects', async () => {
    const t = setup();
    t.emit('peer:connect', { peerId: 'p', validatorIndex: 1, connectedValidators: 3 });
    t.emit('peer:disconnect', { peerId: 'p', validatorIndex: 1, connectedValidators: 2 });
    expect((await t.metrics.peersConnected.get()).values[0]?.value).toBe(2);
  });
});
