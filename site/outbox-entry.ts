// One outbox entry: its fields and its file format (`outbox/<seq>.json`). The format only ever
// gains optional fields, so entries written by an older site still read (they lack `record` and
// are handled as before: refused for good means rejected/), and an older site reading a newer
// entry ignores the fields it does not know.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_RECORD_BYTES } from '../codec/caps.js';
import { decodeExtension } from '../codec/extension.js';
import { decodeKpiRecord } from '../codec/kpi-record.js';
import { EXT_SESSION_OFFER } from './session-offer.js';

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
  /**
   * The encoded unified KPI record exactly as sealed in the envelope (with any session offer),
   * kept so the reading can be sealed again under a new sequence number should the chain refuse
   * this one as replayed (remaker.ts). Absent in entries written before it was kept.
   */
  record?: Uint8Array;
  /** How many times this reading was already re-made under a new seq (absent = 0). */
  remakes?: number;
  /** The seq of the entry this one re-made: that entry, if a crash left it behind, is superseded. */
  replaces?: number;
}

const base64Max = (bytes: number): number => Math.ceil(bytes / 3) * 4;

const entrySchema = z.object({
  v: z.literal(1),
  seq: z.number().int().positive(),
  period: z.number().int(),
  part: z.number().int().nonnegative(),
  parts: z.number().int().positive(),
  tracingCode: z.string().regex(/^[0-9a-f]{64}$/),
  envelope: z.string().max(4 * 1024 * 1024),
  createdAt: z.number().int(),
  record: z.string().max(base64Max(MAX_RECORD_BYTES)).optional(),
  remakes: z.number().int().nonnegative().optional(),
  replaces: z.number().int().positive().optional(),
});

export function tracingCodeOf(envelope: Uint8Array): string {
  return createHash('sha256').update(envelope).digest('hex');
}

/** Bytes an entry counts against the outbox's byte limit: its envelope and its kept record. */
export function entryBytes(e: OutboxEntry): number {
  return e.envelope.length + (e.record?.length ?? 0);
}

/** True when the entry's kept record carries a session offer (its packet opens a session). */
export function carriesSessionOffer(e: OutboxEntry): boolean {
  if (e.record === undefined) return false;
  const ext = decodeKpiRecord(e.record).extension;
  return ext.length > 0 && decodeExtension(ext).some((i) => i.type === EXT_SESSION_OFFER);
}

/** The file body of an entry (JSON, bytes in base64; optional fields only when set). */
export function entryFileBody(e: OutboxEntry): string {
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
  return JSON.stringify({
    v: 1,
    seq: e.seq,
    period: e.period,
    part: e.part,
    parts: e.parts,
    tracingCode: e.tracingCode,
    envelope: b64(e.envelope),
    createdAt: e.createdAt,
    ...(e.record ? { record: b64(e.record) } : {}),
    ...(e.remakes ? { remakes: e.remakes } : {}),
    ...(e.replaces !== undefined ? { replaces: e.replaces } : {}),
  });
}

/**
 * Reads and checks one entry file; null when it does not parse, its tracing code does not match
 * its bytes, or its kept record does not decode.
 */
export function readEntryFile(path: string): OutboxEntry | null {
  try {
    const raw = entrySchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    const fromB64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
    const envelope = fromB64(raw.envelope);
    if (tracingCodeOf(envelope) !== raw.tracingCode) return null;
    const { v: _v, envelope: _e, record: r64, ...fields } = raw;
    if (r64 === undefined) return { ...fields, envelope };
    const record = fromB64(r64);
    decodeKpiRecord(record); // throws on a damaged record
    return { ...fields, envelope, record };
  } catch {
    return null;
  }
}
