// Values that change at activation heights decided by governance (validator sets, chain
// parameters): each applies from its height until the next one's. Every replica learns a change
// before it works on that height, so all of them switch at the same block.
export class ByHeight<T> {
  // Ascending by `from`; the first entry applies to every height below the second's `from`.
  protected entries: { from: number; value: T }[];

  constructor(from: number, value: T) {
    this.entries = [{ from, value }];
  }

  /** The value in force at `height`. */
  at(height: number): T {
    let value = this.entries[0]!.value;
    for (const e of this.entries) {
      if (e.from > height) break;
      value = e.value;
    }
    return value;
  }

  /** A value from `from` on; a later schedule for an equal or lower height replaces what follows. */
  protected put(from: number, value: T): void {
    this.entries = this.entries.filter((e) => e.from < from);
    this.entries.push({ from, value });
  }

  /** Forgets entries that no height >= `height` can use. */
  prune(height: number): void {
    while (this.entries.length > 1 && this.entries[1]!.from <= height) this.entries.shift();
  }

  /** The first activation height above `height` (Infinity when none is scheduled). */
  nextActivation(height: number): number {
    for (const e of this.entries) if (e.from > height) return e.from;
    return Number.POSITIVE_INFINITY;
  }

  /** Every value held, oldest first. */
  values(): T[] {
    return this.entries.map((e) => e.value);
  }

  get size(): number {
    return this.entries.length;
  }
}
