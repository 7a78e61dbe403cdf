// The platform invariant of an e2e run: every KPI upload the chain committed was extracted by the
// platform exactly once, at the place the chain holds it (height, index in the block, byte range
// in the block body), and opened; nothing else was stored. Pure: the runner gives it the chain's
// uploads, read from a node with each block verified, and the packets read from the platform's
// database (e2e/platform.ts).

/** An upload as the chain holds it. */
export interface ChainUpload {
  tracingCode: string;
  height: number;
  index: number;
  /** Byte range of the envelope in the block body. */
  offset: number;
  length: number;
}

/** A packet as the platform stored it: its clear metadata, its storage record's place, its outcome. */
export interface StoredUpload {
  tracingCode: string;
  height: number;
  index: number;
  /** The storage record's data location (Table 10-3). */
  data: { height: number; index: number; offset: number; length: number };
  /** The failure reason; undefined when it was opened. */
  failure?: string;
}

export interface PlatformCheck {
  ok: boolean;
  counts: { committed: number; stored: number; opened: number };
  /** Committed, never stored. */
  missing: string[];
  /** Stored more than once. */
  duplicated: { tracingCode: string; count: number }[];
  /** Stored, never committed (or not at the tip the check read). */
  unexpected: string[];
  /** Stored at another place than the chain holds it. */
  misplaced: { tracingCode: string; chain: string; stored: string }[];
  /** Stored, not opened: the reason. */
  failed: { tracingCode: string; reason: string }[];
}

const place = (p: { height: number; index: number; offset: number; length: number }): string =>
  `${p.height}/${p.index}@${p.offset}+${p.length}`;

export function checkPlatformRecords(
  chain: readonly ChainUpload[],
  stored: readonly StoredUpload[],
): PlatformCheck {
  const committed = new Map(chain.map((u) => [u.tracingCode, u]));
  const count = new Map<string, number>();
  for (const s of stored) count.set(s.tracingCode, (count.get(s.tracingCode) ?? 0) + 1);
  const missing = [...committed.keys()].filter((tc) => !count.has(tc));
  const duplicated = [...count]
    .filter(([, n]) => n > 1)
    .map(([tracingCode, n]) => ({ tracingCode, count: n }));
  const unexpected = [...count.keys()].filter((tc) => !committed.has(tc));
  const misplaced: PlatformCheck['misplaced'] = [];
  const failed: PlatformCheck['failed'] = [];
  for (const s of stored) {
    const c = committed.get(s.tracingCode);
    if (c !== undefined) {
      const where = place(c);
      const meta = place({ ...s.data, height: s.height, index: s.index });
      const record = place(s.data);
      if (meta !== where || record !== where)
        misplaced.push({ tracingCode: s.tracingCode, chain: where, stored: `${meta} (record ${record})` });
    }
    if (s.failure !== undefined) failed.push({ tracingCode: s.tracingCode, reason: s.failure });
  }
  return {
    ok:
      missing.length + duplicated.length + unexpected.length + misplaced.length + failed.length === 0 &&
      chain.length === stored.length,
    counts: { committed: chain.length, stored: stored.length, opened: stored.length - failed.length },
    missing,
    duplicated,
    unexpected,
    misplaced,
    failed,
  };
}

/** One line per kind of finding (the first few of each), for the run's log and its failures. */
export function describePlatformCheck(r: PlatformCheck): string[] {
  const few = (xs: readonly unknown[]): string =>
    `${xs.length} (${xs
      .slice(0, 3)
      .map((x) => (typeof x === 'string' ? x : JSON.stringify(x)))
      .join(', ')}${xs.length > 3 ? ', …' : ''})`;
  const out = [
    `platform: ${r.counts.committed} uploads committed, ${r.counts.stored} stored, ${r.counts.opened} opened`,
  ];
  if (r.missing.length > 0) out.push(`platform missed ${few(r.missing)}`);
  if (r.duplicated.length > 0) out.push(`platform stored twice ${few(r.duplicated)}`);
  if (r.unexpected.length > 0)
    out.push(`platform stored uploads the chain does not hold ${few(r.unexpected)}`);
  if (r.misplaced.length > 0) out.push(`platform records at the wrong place ${few(r.misplaced)}`);
  if (r.failed.length > 0) out.push(`platform could not open ${few(r.failed)}`);
  return out;
}
