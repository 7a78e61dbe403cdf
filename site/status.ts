// The site's counters, exposed as a plain object (for `status`, tests and the demo) and printed
// as one progress line while a backlog is being caught up. Every reading that enters the site
// ends in exactly one of: still spooled, dropped (with a reason), or part of a sealed record.

/** A running site's counters (not the on-chain registration status, codec's SiteStatus). */
export interface SiteRunStatus {
  /** Readings accepted from sources and durably spooled. */
  collected: number;
  /** Readings dropped, by machine-readable reason (invalid input, out of range, late...). */
  dropped: Record<string, number>;
  /** Readings that went into a sealed record. */
  consolidated: number;
  /** Envelopes made and written to the outbox. */
  sealed: number;
  /** Envelopes admitted by the chain (mempool or already known). */
  uploaded: number;
  /** Envelopes the chain reports committed (and removed from the outbox). */
  committed: number;
  /** Envelopes the chain refused for good (moved to outbox/rejected). */
  rejected: number;
  /**
   * Readings sealed again under a new seq after the chain refused theirs as replayed, or as signed
   * with a rotated-out key (remaker.ts).
   */
  remade: number;
  /** Failed upload or receipt calls that were retried. */
  retries: number;
  outboxDepth: number;
  outboxBytes: number;
  spooledPeriods: number;
  nextSeq: number;
  lastError: string;
  /** Sources that cannot read their input right now and are retrying (a database down): the problem. */
  sourceErrors: Record<string, string>;
  /** Node answers refused because they did not verify, by node address (node-reports.ts). */
  unverified?: Record<string, number>;
  /** The last such answer: "<node> <read>: <check>". */
  lastUnverified?: string;
}

export class SiteCounters {
  private readonly s: SiteRunStatus = {
    collected: 0,
    dropped: {},
    consolidated: 0,
    sealed: 0,
    uploaded: 0,
    committed: 0,
    rejected: 0,
    remade: 0,
    retries: 0,
    outboxDepth: 0,
    outboxBytes: 0,
    spooledPeriods: 0,
    nextSeq: 1,
    lastError: '',
    sourceErrors: {},
  };

  add(
    field:
      | 'collected'
      | 'consolidated'
      | 'sealed'
      | 'uploaded'
      | 'committed'
      | 'rejected'
      | 'remade'
      | 'retries',
    n = 1,
  ): void {
    this.s[field] += n;
  }

  drop(reason: string, n = 1): void {
    this.s.dropped[reason] = (this.s.dropped[reason] ?? 0) + n;
  }

  set(
    change: Partial<
      Pick<SiteRunStatus, 'outboxDepth' | 'outboxBytes' | 'spooledPeriods' | 'nextSeq' | 'lastError'>
    >,
  ): void {
    Object.assign(this.s, change);
  }

  /** A source's current problem; '' clears it. */
  setSourceError(source: string, error: string): void {
    if (error === '') delete this.s.sourceErrors[source];
    else this.s.sourceErrors[source] = error;
  }

  snapshot(): SiteRunStatus {
    return { ...this.s, dropped: { ...this.s.dropped }, sourceErrors: { ...this.s.sourceErrors } };
  }
}

export function droppedTotal(s: SiteRunStatus): number {
  return Object.values(s.dropped).reduce((a, b) => a + b, 0);
}

/** One line for a terminal: what came in, what left, what is still waiting. */
export function progressLine(name: string, s: SiteRunStatus): string {
  const reasons = Object.entries(s.dropped)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  const dropped = droppedTotal(s);
  return (
    `site ${name}: collected ${s.collected} dropped ${dropped}${dropped > 0 ? ` (${reasons})` : ''}` +
    ` sealed ${s.sealed} uploaded ${s.uploaded} committed ${s.committed}` +
    (s.rejected > 0 ? ` rejected ${s.rejected}` : '') +
    (s.remade > 0 ? ` remade ${s.remade}` : '') +
    ` | outbox ${s.outboxDepth} spooled periods ${s.spooledPeriods}` +
    (s.lastError ? ` | last error: ${s.lastError}` : '') +
    (s.lastUnverified ? ` | unverified answer: ${s.lastUnverified}` : '') +
    Object.entries(s.sourceErrors)
      .map(([source, error]) => ` | source ${source}: ${error}`)
      .join('')
  );
}

/** Drop reasons the site adds to kpi/'s DropReason codes (same style: stable upper-case strings). */
export enum SiteDropReason {
  /** A row or request item that is not a valid reading (bad JSON, missing field, not a number...). */
  InvalidInput = 'INVALID_INPUT',
  /** For a period already sealed: too late to join its record. */
  Late = 'LATE',
  /** A spool line torn by a crash before its write was acknowledged. */
  CorruptSpoolLine = 'CORRUPT_SPOOL_LINE',
}
