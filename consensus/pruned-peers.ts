// What state transfer learnt from peers' pruned answers: a peer that answered "I hold no block
// below E" is not asked for a lower block again, so the requester goes straight to a peer that
// holds it instead of waiting out the state timeout on one that never will.

/** One entry per peer asked (validator keys), so at most this many are kept. */
const MAX_PEERS = 1024;

export class PrunedPeers {
  private readonly earliest = new Map<string, number>();
  /** Pruned answers accepted (signed by the peer asked, above our tip). */
  answers = 0;
  /**
   * The height state transfer wants while every candidate peer said it is pruned there (0 when
   * some peer may hold it): the driver tells the operator to join by state sync.
   */
  unavailableFrom = 0;

  /** `peer` (hashKey of its public key) holds no body below `height`. */
  note(peer: string, height: number): void {
    this.answers++;
    if (!this.earliest.has(peer) && this.earliest.size >= MAX_PEERS) {
      const oldest = this.earliest.keys().next().value;
      if (oldest !== undefined) this.earliest.delete(oldest);
    }
    // Earliest heights only rise on a running peer; a restored one may hold more again, and its
    // next answer (or a served block) says so.
    this.earliest.set(peer, height);
  }

  /** False when `peer` said it holds no body at `height`. */
  holds(peer: string, height: number): boolean {
    return (this.earliest.get(peer) ?? 0) <= height;
  }

  /**
   * Of `candidates`, those not known to be pruned at `height`. When none is left every candidate
   * is returned (a pruned peer may have restored its bodies, or an archive may join) and
   * `unavailableFrom` records the height; the state timeout then paces the requests.
   */
  choose<T>(candidates: T[], keyOf: (c: T) => string, height: number): T[] {
    const holding = candidates.filter((c) => this.holds(keyOf(c), height));
    this.unavailableFrom = holding.length === 0 && candidates.length > 0 ? height : 0;
    return holding.length > 0 ? holding : candidates;
  }
}
