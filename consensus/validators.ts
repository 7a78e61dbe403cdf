// The validator sets by height. A set scheduled from height H certifies every block >= H; the
// driver schedules it when it applies the governance block (at g < H), so every replica that
// processes height H already knows it. Quorum: floor(2n/3) + 1 (= 2f+1 when n = 3f+1).
import { ByHeight } from './by-height.js';
import { hashKey } from './bytes.js';
import { ConsensusError, ConsensusErrorCode } from './errors.js';

export class ValidatorSet {
  readonly keys: readonly Uint8Array[];
  readonly n: number;
  /** Most faulty replicas tolerated. */
  readonly f: number;
  /** Votes that make a quorum. */
  readonly quorum: number;
  private readonly index: Map<string, number>;
  private readonly byObject = new WeakMap<Uint8Array, number>();

  constructor(keys: readonly Uint8Array[]) {
    if (keys.length < 1 || keys.length > 256)
      throw new ConsensusError(ConsensusErrorCode.BadConfig, 'a validator set has 1..256 keys', {
        n: keys.length,
      });
    this.keys = keys;
    this.n = keys.length;
    this.f = Math.floor((this.n - 1) / 3);
    this.quorum = Math.floor((2 * this.n) / 3) + 1;
    this.index = new Map(keys.map((k, i) => [hashKey(k), i]));
    if (this.index.size !== keys.length)
      throw new ConsensusError(ConsensusErrorCode.BadConfig, 'duplicate validator key');
  }

  indexOf(key: Uint8Array): number {
    // The replica asks about its own key object over and over: answer that from a cache.
    const cached = this.byObject.get(key);
    if (cached !== undefined) return cached;
    const i = this.index.get(hashKey(key)) ?? -1;
    this.byObject.set(key, i);
    return i;
  }

  /** The primary of a view: round robin over the set. */
  primary(view: number): number {
    return view % this.n;
  }
}

/**
 * The validator sets by height. A view decided by the set at height h orders heights below
 * nextActivation(h) only (docs/consensus.md §7).
 */
export class ValidatorSchedule extends ByHeight<ValidatorSet> {
  constructor(from: number, keys: readonly Uint8Array[]) {
    super(from, new ValidatorSet(keys));
  }

  /** Schedules a set from a height; a later schedule for an equal or lower height replaces it. */
  schedule(from: number, keys: readonly Uint8Array[]): void {
    this.put(from, new ValidatorSet(keys));
  }

  /** Whether the key belongs to any set held: in force now, scheduled, or kept for old proofs. */
  includes(key: Uint8Array): boolean {
    return this.entries.some((e) => e.value.indexOf(key) >= 0);
  }

  /** The distinct keys of every set held. */
  keys(): Uint8Array[] {
    const seen = new Map<string, Uint8Array>();
    for (const set of this.values()) for (const k of set.keys) seen.set(hashKey(k), k);
    return [...seen.values()];
  }
}
