// The `replay` Byzantine mode (test-only): the node keeps the consensus messages it sent, signed
// and encoded as they left, and with every new send puts old ones on the wire again — so the
// honest replicas keep receiving validly signed PRE-PREPAREs (as PROPOSALs), PREPAREs, COMMITs,
// CHECKPOINTs and VIEW-CHANGEs of heights and views long past. None of them is a new statement
// (each was signed once, for its slot), so they must change nothing: no second count of a vote,
// no evidence, no fork, no stall.

/** One send as bytes: to every validator (gossip) or to one by index. */
export interface ReplaySend {
  to: 'all' | number;
  bytes: Uint8Array;
}

export interface ReplayOptions {
  /** Sends remembered (the oldest go first): bounds the memory the mode holds. */
  keep: number;
  /** Old sends put on the wire again with each new one. */
  perSend: number;
  /** A send is replayed only once this many newer ones have left: it is from an earlier slot. */
  minAge: number;
}

export const DEFAULT_REPLAY: ReplayOptions = { keep: 512, perSend: 2, minAge: 16 };

/**
 * The replayer: `next(sends)` returns what goes on the wire for one outbound message — its own
 * sends, then up to `perSend` remembered ones at least `minAge` sends old, picked by `pick(n)`
 * (an index below n; tests pass a fixed one). Every replayed send goes to every validator.
 */
export class Replayer {
  private readonly ring: Uint8Array[] = [];

  constructor(
    private readonly pick: (n: number) => number,
    private readonly o: ReplayOptions = DEFAULT_REPLAY,
  ) {}

  get remembered(): number {
    return this.ring.length;
  }

  next(sends: readonly ReplaySend[]): ReplaySend[] {
    const old: ReplaySend[] = [];
    const eligible = this.ring.length - this.o.minAge;
    for (let k = 0; k < this.o.perSend && eligible > 0; k++) {
      const i = Math.min(eligible - 1, Math.max(0, this.pick(eligible)));
      old.push({ to: 'all', bytes: this.ring[i]! });
    }
    for (const s of sends) {
      this.ring.push(s.bytes);
      if (this.ring.length > this.o.keep) this.ring.shift();
    }
    return [...sends, ...old];
  }
}
