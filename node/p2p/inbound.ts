// The one gate every inbound message passes, whether it came by gossip or on a direct stream:
// the sender is allowed, its rate is within limits, the size is within the kind's cap, an
// envelope batch is well-formed; then the injected validator decides; only an accepted message
// reaches the application (the `message` event).

import type { AllowList } from './allow-list.js';
import { decodeBatch } from './batch-codec.js';
import type { PeerRateLimiter } from './rate-limit.js';

/** What the application says about one message (gossipsub's accept / reject / ignore). */
export type Verdict = 'accept' | 'reject' | 'ignore';

export type MessageKind = 'envelopes' | 'consensus';

export interface InboundMessage {
  kind: MessageKind;
  /** Peer ID of the peer that handed us the message (gossip: the propagation source). */
  from: string;
  /** Index of `from` in the validator set; undefined for observers. */
  fromIndex: number | undefined;
  data: Uint8Array;
  /** For an envelope batch: views of its envelopes. Empty for consensus messages. */
  items: Uint8Array[];
  /** True when it came on the direct stream protocol, false when by gossip. */
  direct: boolean;
}

/** Injected per kind: malformed or invalid -> 'reject' (score penalty), duplicate -> 'ignore'. */
export type MessageValidator = (msg: InboundMessage) => Verdict | Promise<Verdict>;

export interface InboundCaps {
  maxBatchBytes: number;
  maxConsensusBytes: number;
  /** Envelopes in one batch; bounds the array built while splitting it. */
  maxBatchItems: number;
}

/** Counters of what the gate turned away, by reason; exposed for metrics. */
export interface InboundStats {
  accepted: number;
  rejected: number;
  ignored: number;
  rateLimited: number;
  oversized: number;
  malformed: number;
  notAllowed: number;
}

/** Peers whose rejections are counted one by one; more than any validator set here. */
const MAX_TRACKED_PEERS = 256;

export class InboundGate {
  readonly stats: InboundStats = {
    accepted: 0,
    rejected: 0,
    ignored: 0,
    rateLimited: 0,
    oversized: 0,
    malformed: 0,
    notAllowed: 0,
  };
  /** Messages rejected per sending peer (allowed peers only; bounded, the oldest peer forgotten). */
  private readonly rejectedBy = new Map<string, number>();
  private readonly validators: Record<MessageKind, MessageValidator> = {
    envelopes: () => 'accept',
    consensus: () => 'accept',
  };

  constructor(
    private readonly allow: AllowList,
    private readonly limiter: PeerRateLimiter,
    private readonly caps: InboundCaps,
    private readonly deliver: (msg: InboundMessage) => void,
  ) {}

  setValidator(kind: MessageKind, fn: MessageValidator): void {
    this.validators[kind] = fn;
  }

  /** Screens one message and delivers it when accepted; returns the verdict for gossipsub. */
  async screen(kind: MessageKind, from: string, data: Uint8Array, direct: boolean): Promise<Verdict> {
    return this.admitSender(from) ?? this.screenAdmitted(kind, from, data, direct);
  }

  /**
   * The sender checks, before any of a message is read: allowed, and within its rate (this takes
   * a token). Undefined when the message may be read; otherwise the verdict, already counted.
   */
  admitSender(from: string): Verdict | undefined {
    if (!this.allow.isAllowed(from)) {
      this.stats.notAllowed++;
      return this.count('reject');
    }
    // Over the rate: dropped without penalty, since a relaying peer may be forwarding a burst.
    if (!this.limiter.allow(from)) {
      this.stats.rateLimited++;
      return this.count('ignore');
    }
    return undefined;
  }

  /** The rest of `screen`, for a message whose sender `admitSender` let through. */
  async screenAdmitted(kind: MessageKind, from: string, data: Uint8Array, direct: boolean): Promise<Verdict> {
    const cap = kind === 'envelopes' ? this.caps.maxBatchBytes : this.caps.maxConsensusBytes;
    if (data.length > cap) {
      this.stats.oversized++;
      return this.count('reject', from);
    }
    let items: Uint8Array[] = [];
    if (kind === 'envelopes') {
      try {
        items = decodeBatch(data, this.caps.maxBatchItems);
      } catch {
        this.stats.malformed++;
        return this.count('reject', from);
      }
    }
    const msg: InboundMessage = { kind, from, fromIndex: this.allow.indexOf(from), data, items, direct };
    let verdict: Verdict;
    try {
      verdict = await this.validators[kind](msg);
    } catch {
      // A validator that throws has found something it cannot handle: treat as invalid.
      verdict = 'reject';
    }
    if (verdict === 'accept') this.deliver(msg);
    return this.count(verdict, from);
  }

  /** A frame on a stream protocol announced over its cap: refused at its header, counted here. */
  refuseOversized(from: string): void {
    this.stats.oversized++;
    this.count('reject', from);
  }

  /** Messages of `peer` this gate rejected (oversized, malformed, invalid), gossip and direct. */
  rejectedFrom(peer: string): number {
    return this.rejectedBy.get(peer) ?? 0;
  }

  private count(v: Verdict, from?: string): Verdict {
    if (v === 'accept') this.stats.accepted++;
    else if (v === 'reject') {
      this.stats.rejected++;
      if (from !== undefined) {
        const n = this.rejectedBy.get(from) ?? 0;
        this.rejectedBy.delete(from);
        this.rejectedBy.set(from, n + 1);
        if (this.rejectedBy.size > MAX_TRACKED_PEERS)
          this.rejectedBy.delete(this.rejectedBy.keys().next().value!);
      }
    } else this.stats.ignored++;
    return v;
  }
}
