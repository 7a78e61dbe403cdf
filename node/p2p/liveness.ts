// When a peer that stops answering liveness pings is disconnected. Closing a connection on one
// missed ping loses every link of a node at once whenever its own event loop (or its peer's) is
// not scheduled for the ping timeout — a long GC, a large block, a starved machine — and a
// permissioned network of several organisations should not flap on that. A peer is closed only
// after `limit` misses in a row; any answered ping starts the count again.

/** The count after one ping, and whether the connection is to be closed now. */
export function afterPing(
  missed: number,
  answered: boolean,
  limit: number,
): { missed: number; close: boolean } {
  if (answered) return { missed: 0, close: false };
  const now = missed + 1;
  // Closing starts the count again: the re-dialed connection gets the full allowance.
  return now >= Math.max(1, limit) ? { missed: 0, close: true } : { missed: now, close: false };
}

/** Consecutive missed pings per peer (bounded by the connected peers: forgotten on disconnect). */
export class MissedPings {
  private readonly missed = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Records one ping's outcome; true when the peer is to be disconnected. */
  record(peer: string, answered: boolean): boolean {
    const next = afterPing(this.missed.get(peer) ?? 0, answered, this.limit);
    if (next.missed === 0) this.missed.delete(peer);
    else this.missed.set(peer, next.missed);
    return next.close;
  }

  missesOf(peer: string): number {
    return this.missed.get(peer) ?? 0;
  }

  forget(peer: string): void {
    this.missed.delete(peer);
  }
}
