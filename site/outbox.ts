// The durable outbox (Y.4907 §8.1 "Block", DESIGN §3 step 4): every envelope is written to its
// own file and fsynced before it is offered to the chain, and deleted only when the chain reports
// it committed. Entries are named by sequence number, so a directory listing is the upload order
// and the highest name repairs the sequence counter after a crash. Bounded in entries and bytes:
// when full, add() throws OUTBOX_FULL and the site stops sealing (readings wait in the spool).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SiteError, SiteErrorCode } from './errors.js';
import { fsyncDir, removeDurable, writeFileDurable } from './fs-durable.js';

export interface OutboxEntry {
  seq: number;
  /** Start of the processing period the record covers. */
  period: number;
  /** Index of this record among the period's records (a period with more entries than fit one record). */
  part: number;
  parts: number;
  /** SHA-256 of the encoded envelope, hex: how the chain names it. */
  tracingCode: string;
  envelope: Uint8Array;
  /** When the envelope was made, UTC ms. */
  createdAt: number;
}

export interface OutboxLimits {
  maxEntries: number;
  maxBytes: number;
}

const entrySchema = z.object({
  v: z.literal(1),
  seq: z.number().int().positive(),
  period: z.number().int(),
  part: z.number().int().nonnegative(),
  parts: z.number().int().positive(),
  tracingCode: z.string().regex(/^[0-9a-f]{64}$/),
  envelope: z.string().max(4 * 1024 * 1024),
  createdAt: z.number().int(),
});

export function tracingCodeOf(envelope: Uint8Array): string {
  return createHash('sha256').update(envelope).digest('hex');
}

export class Outbox {
  private readonly byseq = new Map<number, OutboxEntry>();
  private totalBytes = 0;
  /** Entries found unreadable on open, moved aside to corrupt/ (count, for the status). */
  readonly corruptOnOpen: number;

  constructor(
    private readonly dir: string,
    private readonly limits: OutboxLimits,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let corrupt = 0;
    for (const f of readdirSync(dir).filter((n) => /^\d{12}\.json$/.test(n))) {
      const e = readEntry(join(dir, f));
      if (e === null || `${String(e.seq).padStart(12, '0')}.json` !== f) {
        this.quarantine(f);
        corrupt++;
      } else {
        this.byseq.set(e.seq, e);
        this.totalBytes += e.envelope.length;
      }
    }
    this.corruptOnOpen = corrupt;
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
    if (!this.hasRoom(1, entry.envelope.length)) {
      throw new SiteError(SiteErrorCode.OutboxFull, 'outbox is full; waiting for the chain to commit', {
        depth: this.byseq.size,
        bytes: this.totalBytes,
      });
    }
    const body = {
      v: 1,
      seq: entry.seq,
      period: entry.period,
      part: entry.part,
      parts: entry.parts,
      tracingCode: entry.tracingCode,
      envelope: Buffer.from(entry.envelope).toString('base64'),
      createdAt: entry.createdAt,
    };
    writeFileDurable(this.path(entry.seq), JSON.stringify(body));
    this.byseq.set(entry.seq, entry);
    this.totalBytes += entry.envelope.length;
  }

  /** Deletes a committed entry. */
  remove(seq: number): void {
    const e = this.byseq.get(seq);
    if (!e) return;
    removeDurable(this.path(seq));
    this.byseq.delete(seq);
    this.totalBytes -= e.envelope.length;
  }

  /** Moves an entry the chain refused for good to rejected/, kept for the operator to inspect. */
  reject(seq: number): void {
    const e = this.byseq.get(seq);
    if (!e) return;
    this.moveAside(`${String(seq).padStart(12, '0')}.json`, 'rejected');
    this.byseq.delete(seq);
    this.totalBytes -= e.envelope.length;
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

/** Reads and checks one entry file; null when it does not parse or its tracing code does not match. */
function readEntry(path: string): OutboxEntry | null {
  try {
    const raw = entrySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    const envelope = new Uint8Array(Buffer.from(raw.envelope, 'base64'));
    if (tracingCodeOf(envelope) !== raw.tracingCode) return null;
    const { v: _v, envelope: _b64, ...fields } = raw;
    return { ...fields, envelope };
  } catch {
    return null;
  }
}
