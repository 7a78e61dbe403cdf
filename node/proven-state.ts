// The contract state as the newest certified header commits to it, kept for state proofs. A
// header at height h carries the state root of the state after block h - 1 (block-rules.ts: the
// proposer puts the root of the state its block executes on), so the state a node serves after
// its tip T is certified only once block T + 1 commits. This copy therefore runs one block behind
// the node's contract state: it is the state after T - 1, proven by header T. After a restart it
// holds the state after the tip and serves proofs from the next commit on (whose header certifies
// it), or from the recovered tip when the store re-executed blocks at open (persisted-ledger.ts).
// Values are the contract state's own immutable byte arrays: the copy costs one map entry per key.
import type { StateProof } from '../codec/state-proof.js';
import type { StateChange } from '../ledger/execution.js';
import { StateRootTree } from '../ledger/state-root.js';

const dec = new TextDecoder();

export interface ProvenRead {
  /** Height of the certified header whose stateRoot is `root`. */
  height: number;
  root: Uint8Array;
  proofs: StateProof[];
}

export class ProvenState {
  private readonly tree = new StateRootTree();
  /** The last committed block's changes: applied when the next block certifies them. */
  private pending: readonly StateChange[] = [];
  private header: number | undefined;

  /** From the committed contract state (the state after the tip). */
  constructor(entries: Iterable<[string, Uint8Array]>) {
    for (const [k, v] of entries) this.tree.set(k, v);
  }

  /** After block `height` committed with `changes`: header `height` now certifies the state before them. */
  committed(height: number, changes: readonly StateChange[]): void {
    for (const c of this.pending) this.tree.set(dec.decode(c.key), c.value);
    this.pending = changes;
    this.header = height;
  }

  /**
   * The bucket proof of `key` in the state the next committed header will certify (the last
   * block's changes applied), leaving the served state as it is: the block being committed carries
   * that header. The changes are applied, the proof taken and the old values put back, all
   * synchronously, so no read sees the mix.
   */
  nextProof(key: string): StateProof {
    const saved = this.pending.map((c) => {
      const k = dec.decode(c.key);
      return [k, this.tree.get(k)] as const;
    });
    for (const c of this.pending) this.tree.set(dec.decode(c.key), c.value);
    try {
      return this.tree.proof(key);
    } finally {
      for (const [k, v] of saved.reverse()) this.tree.set(k, v);
    }
  }

  /** Height of the header this state is proven by; undefined until a block commits after start. */
  get height(): number | undefined {
    return this.header;
  }

  get(key: string): Uint8Array | undefined {
    return this.tree.get(key);
  }

  /** Bucket proofs of `keys` (keys or group prefixes), all from one state; undefined before the first commit. */
  read(keys: readonly string[]): ProvenRead | undefined {
    if (this.header === undefined) return undefined;
    return { height: this.header, root: this.tree.root(), proofs: keys.map((k) => this.tree.proof(k)) };
  }

  /** Every entry under a group prefix, by key (from the proven state). */
  group(prefix: string): [string, Uint8Array][] {
    const p = this.tree.proof(prefix);
    return p.entries
      .map((e) => [dec.decode(e.key), e.value] as [string, Uint8Array])
      .filter(([k]) => k.startsWith(prefix));
  }
}
