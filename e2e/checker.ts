// The set checker (after Jepsen's set workload): from the history the load recorded (what it sent,
// what a node acknowledged, what it saw committed, what it gave up) and the final read of every
// node's chain (each committed element in chain order, duplicates kept), it reports the elements
// lost, duplicated, unexpected and never confirmed. Pure: no I/O, so every verdict has a unit test.

export type HistoryEvent =
  /** An upload of the element was attempted (its outcome may be unknown). */
  | { kind: 'sent'; id: string }
  /** A node answered ACCEPTED or ALREADY_PENDING: admitted, not yet durable. */
  | { kind: 'acked'; id: string; by: number }
  /** The load saw the element committed (ALREADY_COMMITTED on a re-send, or a receipt). */
  | { kind: 'committed'; id: string; by: number }
  /** Refused for good (REPLAYED: the site's window moved past it); a site makes the record anew. */
  | { kind: 'abandoned'; id: string; reason: string };

export interface FinalRead {
  node: number;
  /** Every element of the node's chain, in order; an element committed twice appears twice. */
  ids: readonly string[];
}

export interface SetCheck {
  ok: boolean;
  counts: { sent: number; acked: number; committed: number; abandoned: number; read: number };
  /** Seen committed by the load, missing from a node's chain. */
  lost: { id: string; node: number }[];
  /** In a node's chain more than once. */
  duplicated: { id: string; node: number; count: number }[];
  /** In a node's chain, never sent by the load. */
  unexpected: { id: string; node: number }[];
  /** Acknowledged, neither committed anywhere nor abandoned: the outbox never resolved it. */
  unconfirmed: string[];
  /** Committed in the chains although the load never saw it acknowledged (an indeterminate call): fine. */
  recovered: number;
}

export function checkSet(history: readonly HistoryEvent[], reads: readonly FinalRead[]): SetCheck {
  const sent = new Set<string>();
  const acked = new Set<string>();
  const committed = new Set<string>();
  const abandoned = new Set<string>();
  for (const e of history) {
    if (e.kind === 'sent') sent.add(e.id);
    else if (e.kind === 'acked') acked.add(e.id);
    else if (e.kind === 'committed') committed.add(e.id);
    else abandoned.add(e.id);
  }
  const lost: SetCheck['lost'] = [];
  const duplicated: SetCheck['duplicated'] = [];
  const unexpected: SetCheck['unexpected'] = [];
  const inAnyChain = new Set<string>();
  for (const r of reads) {
    const counts = new Map<string, number>();
    for (const id of r.ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, count] of counts) {
      inAnyChain.add(id);
      if (count > 1) duplicated.push({ id, node: r.node, count });
      if (!sent.has(id)) unexpected.push({ id, node: r.node });
    }
    for (const id of committed) if (!counts.has(id)) lost.push({ id, node: r.node });
  }
  const unconfirmed = [...acked].filter((id) => !inAnyChain.has(id) && !abandoned.has(id));
  let recovered = 0;
  for (const id of inAnyChain) if (sent.has(id) && !acked.has(id) && !committed.has(id)) recovered++;
  return {
    ok: lost.length === 0 && duplicated.length === 0 && unexpected.length === 0 && unconfirmed.length === 0,
    counts: {
      sent: sent.size,
      acked: acked.size,
      committed: committed.size,
      abandoned: abandoned.size,
      read: inAnyChain.size,
    },
    lost,
    duplicated,
    unexpected,
    unconfirmed,
    recovered,
  };
}

/** One line per kind of anomaly, the first few elements of each (for the run's report). */
export function describeSetCheck(c: SetCheck, show = 5): string[] {
  const few = (xs: readonly unknown[]): string =>
    `${xs
      .slice(0, show)
      .map((x) => JSON.stringify(x))
      .join(', ')}${xs.length > show ? `, … (${xs.length})` : ''}`;
  const lines = [
    `set: sent ${c.counts.sent}, acked ${c.counts.acked}, seen committed ${c.counts.committed}, abandoned ${c.counts.abandoned}, in the chains ${c.counts.read}, recovered ${c.recovered}`,
  ];
  if (c.lost.length > 0) lines.push(`LOST ${c.lost.length}: ${few(c.lost)}`);
  if (c.duplicated.length > 0) lines.push(`DUPLICATED ${c.duplicated.length}: ${few(c.duplicated)}`);
  if (c.unexpected.length > 0) lines.push(`UNEXPECTED ${c.unexpected.length}: ${few(c.unexpected)}`);
  if (c.unconfirmed.length > 0) lines.push(`UNCONFIRMED ${c.unconfirmed.length}: ${few(c.unconfirmed)}`);
  return lines;
}
