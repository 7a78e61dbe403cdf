// Admitted envelopes waiting to be committed. Bounded in count and bytes: when full, admission
// answers MEMPOOL_FULL (RESOURCE_EXHAUSTED with a retry hint) instead of queueing without limit.
// Keyed by tracing code (hex); also remembers which (signer, seq) pairs are pending so that a second,
// different envelope with a pending sequence number is a replay.

export interface MempoolOptions {
  maxEnvelopes: number;
  maxBytes: number;
}

export const defaultMempoolOptions: MempoolOptions = { maxEnvelopes: 200_000, maxBytes: 256 * 1024 ** 2 };

export interface MempoolEntry {
  /** Tracing code (SHA-256 of the envelope), hex: TxRef.key. */
  id: string;
  bytes: Uint8Array;
  /** Tracing code bytes (TxRef.code): what the consensus core's request table is keyed by. */
  code: Uint8Array;
  /** Signer key ID, hex. */
  signer: string;
  seq: number;
  /** When it entered the mempool (ms), set by `add`. */
  arrivedAt?: number;
  /** When it was last relayed to peers (ms), set by the relay. */
  relayedAt?: number;
  /** How many times it was relayed (each wait doubles). */
  relays?: number;
}

export type AddResult = 'added' | 'duplicate' | 'replayed' | 'full';

export class Mempool {
  private readonly entries = new Map<string, MempoolEntry>();
  /** `${signer}:${seq}` -> tracing code hex. */
  private readonly bySignerSeq = new Map<string, string>();
  private bytes = 0;

  constructor(
    private readonly opts: MempoolOptions = defaultMempoolOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): MempoolEntry | undefined {
    return this.entries.get(id);
  }

  /** Whether a (signer, seq) pair is taken by a pending envelope. */
  pendingSeq(signer: string, seq: number): string | undefined {
    return this.bySignerSeq.get(`${signer}:${seq}`);
  }

  add(entry: MempoolEntry): AddResult {
    if (this.entries.has(entry.id)) return 'duplicate';
    const slot = `${entry.signer}:${entry.seq}`;
    if (this.bySignerSeq.has(slot)) return 'replayed';
    if (this.entries.size >= this.opts.maxEnvelopes || this.bytes + entry.bytes.length > this.opts.maxBytes) {
      return 'full';
    }
    entry.arrivedAt = this.now();
    this.entries.set(entry.id, entry);
    this.bySignerSeq.set(slot, entry.id);
    this.bytes += entry.bytes.length;
    return 'added';
  }

  /**
   * Removes envelopes (committed, or found invalid at execution). Unknown ids are ignored. When
   * `arrivals` is given, the arrival time of each removed envelope is appended to it (commit latency).
   */
  remove(ids: Iterable<string>, arrivals?: number[]): number {
    let n = 0;
    for (const id of ids) {
      const e = this.entries.get(id);
      if (e === undefined) continue;
      this.entries.delete(id);
      this.bySignerSeq.delete(`${e.signer}:${e.seq}`);
      this.bytes -= e.bytes.length;
      if (arrivals !== undefined && e.arrivedAt !== undefined) arrivals.push(e.arrivedAt);
      n++;
    }
    return n;
  }

  /** Oldest first (arrival order, so `arrivedAt` never decreases along it). */
  values(): IterableIterator<MempoolEntry> {
    return this.entries.values();
  }

  /** Fraction of the tighter bound in use, 0..1, for metrics and retry hints. */
  fill(): number {
    return Math.max(this.entries.size / this.opts.maxEnvelopes, this.bytes / this.opts.maxBytes);
  }
}
