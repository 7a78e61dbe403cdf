// The durable outbox (Y.4907 §8.1 "Block", docs/architecture.md §3 step 4): every envelope is written to its
// own file and fsynced before it is offered to the chain, and deleted only when the chain reports
// it committed. Entries are named by sequence number, so a directory listing is the upload order
// and the highest name repairs the sequence counter after a crash. Bounded in entries and bytes:
// when full, add() throws OUTBOX_FULL and the site stops sealing (readings wait in the spool).
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { SiteError, SiteErrorCode } from './errors.js';
import { fsyncDir, removeDurable, writeFileDurable } from './fs-durable.js';
import {
  carriesSessionOffer,
  entryBytes,
  entryFileBody,
  type OutboxEntry,
  readEntryFile,
} from './outbox-entry.js';

export { type OutboxEntry, tracingCodeOf } from './outbox-entry.js';

export interface OutboxLimits {
  maxEntries: number;
  maxBytes: number;
}

export class Outbox {
  private readonly byseq = new Map<number, OutboxEntry>();
  /** Seqs of entries whose record carries a session offer (see the upload loop's offer gate). */
  private readonly offers = new Set<number>();
  private totalBytes = 0;
  /** Entries found unreadable on open, moved aside to corrupt/ (count, for the status). */
  readonly corruptOnOpen: number;
  /** Seqs of entries found re-made on open (a crash inside replace()), removed: [old, new] pairs. */
  readonly supersededOnOpen: [number, number][] = [];

  constructor(
    private readonly dir: string,
    private readonly limits: OutboxLimits,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let corrupt = 0;
    for (const f of readdirSync(dir).filter((n) => /^\d{12}\.json$/.test(n))) {
      const e = readEntryFile(join(dir, f));
      if (e === null || `${String(e.seq).padStart(12, '0')}.json` !== f) {
        this.quarantine(f);
        corrupt++;
      } else this.hold(e);
    }
    this.corruptOnOpen = corrupt;
    // A crash inside replace() leaves the refused entry next to the one re-made from it. The old
    // one was refused for good (that is why it was re-made) and can never commit: remove it now,
    // before anything is uploaded, whether or not the new one has committed since.
    for (const e of this.entries()) {
      if (e.replaces === undefined || !this.byseq.has(e.replaces)) continue;
      this.remove(e.replaces);
      this.supersededOnOpen.push([e.replaces, e.seq]);
    }
  }

  /** Entries in sequence order (the order they must be uploaded in). */
  entries(): OutboxEntry[] {
    return [...this.byseq.values()].sort((a, b) => a.seq - b.seq);
  }

  get(seq: number): OutboxEntry | undefined {
    return this.byseq.get(seq);
  }

  depth(): number {
    return this.byseq.size;
  }

  bytes(): number {
    return this.totalBytes;
  }

  /** Seqs of the entries whose record carries a session offer, in order (few: one per session). */
  sessionOfferSeqs(): number[] {
    return [...this.offers].sort((a, b) => a - b);
  }

  /** Highest sequence number held, 0 when empty. */
  maxSeq(): number {
    let m = 0;
    for (const s of this.byseq.keys()) m = Math.max(m, s);
    return m;
  }

  /** True when `count` more envelopes totalling `size` bytes can be added without passing a limit. */
  hasRoom(count: number, size: number): boolean {
    return (
      this.byseq.size + count <= this.limits.maxEntries && this.totalBytes + size <= this.limits.maxBytes
    );
  }

  /** Writes the entry durably; throws OUTBOX_FULL (nothing written) when a limit would be passed. */
  add(entry: OutboxEntry): void {
    if (!this.hasRoom(1, entryBytes(entry))) throw this.full();
    this.write(entry);
  }

  /**
   * Puts `entry` in the place of entry `old` (a reading re-made under a new seq): the new file is
   * durable before the old one is deleted, so a crash in between leaves both, never neither (the
   * new entry's `replaces` names the old one as superseded). Only the bytes are checked against
   * the limits, as the count does not grow.
   */
  replace(old: number, entry: OutboxEntry): void {
    const prev = this.byseq.get(old);
    const freed = prev ? entryBytes(prev) : 0;
    if (this.totalBytes - freed + entryBytes(entry) > this.limits.maxBytes) throw this.full();
    this.write(entry);
    this.remove(old);
  }

  /** Deletes a committed entry. */
  remove(seq: number): void {
    const e = this.byseq.get(seq);
    if (!e) return;
    removeDurable(this.path(seq));
    this.forget(e);
  }

  /** Moves an entry the chain refused for good to rejected/, kept for the operator to inspect. */
  reject(seq: number): void {
    const e = this.byseq.get(seq);
    if (!e) return;
    this.moveAside(`${String(seq).padStart(12, '0')}.json`, 'rejected');
    this.forget(e);
  }

  private write(entry: OutboxEntry): void {
    writeFileDurable(this.path(entry.seq), entryFileBody(entry));
    this.hold(entry);
  }

  private hold(e: OutboxEntry): void {
    this.byseq.set(e.seq, e);
    this.totalBytes += entryBytes(e);
    if (carriesSessionOffer(e)) this.offers.add(e.seq);
  }

  private forget(e: OutboxEntry): void {
    this.byseq.delete(e.seq);
    this.totalBytes -= entryBytes(e);
    this.offers.delete(e.seq);
  }

  private full(): SiteError {
    return new SiteError(SiteErrorCode.OutboxFull, 'outbox is full; waiting for the chain to commit', {
      depth: this.byseq.size,
      bytes: this.totalBytes,
    });
  }

  private quarantine(file: string): void {
    this.moveAside(file, 'corrupt');
  }

  private moveAside(file: string, sub: string): void {
    const to = join(this.dir, sub);
    mkdirSync(to, { recursive: true, mode: 0o700 });
    renameSync(join(this.dir, file), join(to, file));
    fsyncDir(this.dir);
  }

  private path(seq: number): string {
    return join(this.dir, `${String(seq).padStart(12, '0')}.json`);
  }
}
