// The heights open block subscriptions (SubscribeBlocks: the platform following the chain) will
// read next. Their minimum is a hold on pruning (node/retention.ts): a follower is never pruned
// out from under while it is connected.
export interface Following {
  /** The next height this subscription will send. */
  height: number;
  close(): void;
}

export class Followers {
  private readonly open = new Set<Following>();

  follow(height: number): Following {
    const f: Following = { height, close: () => this.open.delete(f) };
    this.open.add(f);
    return f;
  }

  /** Lowest next height of any open subscription; undefined when none is open. */
  floor(): number | undefined {
    let min: number | undefined;
    for (const f of this.open) if (min === undefined || f.height < min) min = f.height;
    return min;
  }
}
