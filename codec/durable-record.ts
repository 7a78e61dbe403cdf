// The frame of everything the node keeps on disk outside the block log (docs/wire-format.md §12):
//   0 magic "BKDR" u32 | 4 kind u8 | 5 version u8 | 6 n = payload length u32 | 10 payload n |
//   10 + n CRC-32C u32 of bytes [0, 10 + n)
// The CRC covers the header too, so a torn or flipped length is caught like a flipped payload
// byte. The header layout is fixed for good; `version` numbers the payload layout of its kind.
// A log is records back to back (the consensus WAL); scanDurableLog tells a torn tail, which a
// crash mid-append leaves, from damage before it, which no crash leaves.
import { DURABLE_RECORD_OVERHEAD_BYTES, MAX_CONSENSUS_STATE_BYTES, MAX_EVIDENCE_BYTES } from './caps.js';
import { crc32c } from './crc32c.js';
import { CodecError, CodecErrorCode } from './errors.js';
import { putU32, u32At } from './primitives.js';

/** "BKDR": bkdms durable record. */
export const DURABLE_MAGIC = 0x424b4452;
const HEADER_BYTES = 10;

export enum DurableKind {
  /** The consensus driver's persisted state (consensus-state.ts), the records of the WAL file. */
  ConsensusState = 1,
  /** Two conflicting messages of one validator, one record per store value. */
  Evidence = 2,
}

/** The payload layout version this build writes and reads, per kind. */
export const DURABLE_VERSION: Readonly<Record<DurableKind, number>> = {
  [DurableKind.ConsensusState]: 1,
  [DurableKind.Evidence]: 1,
};

const PAYLOAD_CAP: Readonly<Record<DurableKind, number>> = {
  [DurableKind.ConsensusState]: MAX_CONSENSUS_STATE_BYTES,
  [DurableKind.Evidence]: MAX_EVIDENCE_BYTES,
};

/** Frames a payload as one record of `kind`, at this build's version of the kind. */
export function encodeDurableRecord(kind: DurableKind, payload: Uint8Array): Uint8Array {
  if (!(payload instanceof Uint8Array))
    throw new CodecError(CodecErrorCode.InvalidInput, 'durable record: payload not bytes', { kind });
  const out = new Uint8Array(DURABLE_RECORD_OVERHEAD_BYTES + payload.length);
  out.set(payload, HEADER_BYTES);
  return sealDurableRecord(kind, out);
}

/** Bytes an encoder leaves free before the payload, for sealDurableRecord to fill. */
export const DURABLE_HEADER_BYTES = HEADER_BYTES;

/**
 * Makes `rec` a record of `kind` in place: `rec` is DURABLE_HEADER_BYTES left free, the payload,
 * then 4 bytes left free (its length fixes the payload's). For encoders that write a large payload
 * (a consensus state carrying a block's envelopes) straight into the record's buffer rather than
 * into a buffer of its own that would then be copied.
 */
export function sealDurableRecord(kind: DurableKind, rec: Uint8Array): Uint8Array {
  const cap = PAYLOAD_CAP[kind];
  if (cap === undefined)
    throw new CodecError(CodecErrorCode.InvalidInput, 'durable record: unknown kind', { kind });
  const n = rec.length - DURABLE_RECORD_OVERHEAD_BYTES;
  if (n < 0)
    throw new CodecError(CodecErrorCode.InvalidInput, 'durable record: shorter than its frame', { kind });
  if (n > cap)
    throw new CodecError(CodecErrorCode.InvalidInput, 'durable record: payload over cap', { kind, n, cap });
  putU32(rec, 0, DURABLE_MAGIC);
  rec[4] = kind;
  rec[5] = DURABLE_VERSION[kind];
  putU32(rec, 6, n);
  putU32(rec, HEADER_BYTES + n, crc32c(rec, 0, HEADER_BYTES + n));
  return rec;
}

interface Frame {
  kind: DurableKind;
  version: number;
  payload: Uint8Array;
  /** Offset just past the record. */
  end: number;
}

/** The record starting at `at`, checked up to its CRC (not its kind's version); throws CodecError. */
function frameAt(b: Uint8Array, at: number): Frame {
  const have = b.length - at;
  if (have < DURABLE_RECORD_OVERHEAD_BYTES)
    throw new CodecError(CodecErrorCode.Truncated, `durable record: ${have} bytes, header needs 14`, {
      offset: at,
      have,
    });
  const magic = u32At(b, at);
  if (magic !== DURABLE_MAGIC)
    throw new CodecError(CodecErrorCode.BadValue, 'durable record: bad magic', { offset: at, magic });
  const kind = b[at + 4]!;
  const cap = PAYLOAD_CAP[kind as DurableKind];
  if (cap === undefined)
    throw new CodecError(CodecErrorCode.BadEnum, `durable record: kind ${kind}`, { offset: at, kind });
  const n = u32At(b, at + 6);
  if (n > cap)
    throw new CodecError(CodecErrorCode.Oversized, `durable record: length ${n} > cap ${cap}`, {
      offset: at,
      n,
      cap,
    });
  const end = at + DURABLE_RECORD_OVERHEAD_BYTES + n;
  if (end > b.length)
    throw new CodecError(
      CodecErrorCode.Truncated,
      `durable record: needs ${end - at} bytes, ${have} present`,
      { offset: at, need: end - at, have },
    );
  const crcAt = end - 4;
  if (crc32c(b, at, crcAt) !== u32At(b, crcAt))
    throw new CodecError(CodecErrorCode.BadChecksum, 'durable record: CRC-32C mismatch', { offset: at });
  const payload = b.subarray(at + HEADER_BYTES, crcAt);
  return { kind: kind as DurableKind, version: b[at + 5]!, payload, end };
}

/** A whole record's CRC held: what it names must be what this build reads, or it is refused. */
function checkKind(f: Frame, want: DurableKind, at: number): void {
  if (f.kind !== want)
    throw new CodecError(CodecErrorCode.BadValue, `durable record: kind ${f.kind}, expected ${want}`, {
      offset: at,
      kind: f.kind,
    });
  if (f.version !== DURABLE_VERSION[want])
    throw new CodecError(
      CodecErrorCode.UnknownVersion,
      `durable record: version ${f.version} of kind ${want} (this build reads ${DURABLE_VERSION[want]})`,
      { offset: at, version: f.version },
    );
}

/** The payload of `b`, exactly one record of `kind` (a view over `b`). */
export function decodeDurableRecord(b: Uint8Array, kind: DurableKind): Uint8Array {
  const f = frameAt(b, 0);
  checkKind(f, kind, 0);
  if (f.end !== b.length)
    throw new CodecError(CodecErrorCode.TrailingBytes, 'durable record: trailing bytes', {
      trailing: b.length - f.end,
    });
  return f.payload;
}

export interface ScannedRecord {
  offset: number;
  /** Bytes of the whole record, frame included. */
  length: number;
  payload: Uint8Array;
}

/** What a crash mid-append left after the last whole record: to be cut off. */
export interface TornTail {
  offset: number;
  bytes: number;
  /** Why these bytes are not a record (the CodecError's message). */
  reason: string;
}

export interface DurableLogScan {
  records: ScannedRecord[];
  torn: TornTail | null;
}

/**
 * Reads a log of records of `kind`. Bytes after the last whole record are a torn tail when a
 * crash mid-append can explain them: they hold no whole record and are no longer than one record
 * can be (a torn append is a prefix of its record, perhaps with holes). Anything else is damage
 * no crash leaves (a bad record followed by a whole one, a record of another kind or of a version
 * this build does not read) and throws CodecError with the record's `offset` in its meta.
 */
export function scanDurableLog(b: Uint8Array, kind: DurableKind): DurableLogScan {
  const records: ScannedRecord[] = [];
  let at = 0;
  while (at < b.length) {
    let f: Frame;
    try {
      f = frameAt(b, at);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      refuseUnlessTail(b, at, kind, err);
      return { records, torn: { offset: at, bytes: b.length - at, reason: err.message } };
    }
    checkKind(f, kind, at);
    records.push({ offset: at, length: f.end - at, payload: f.payload });
    at = f.end;
  }
  return { records, torn: null };
}

function refuseUnlessTail(b: Uint8Array, at: number, kind: DurableKind, err: CodecError): void {
  const damaged = (why: string) =>
    new CodecError(err.code, `${err.message}, ${why}`, { ...err.meta, offset: at });
  if (b.length - at > DURABLE_RECORD_OVERHEAD_BYTES + PAYLOAD_CAP[kind])
    throw damaged('longer than any record');
  for (let q = at + 1; q + DURABLE_RECORD_OVERHEAD_BYTES <= b.length; q++) {
    if (b[q] !== 0x42 || u32At(b, q) !== DURABLE_MAGIC) continue;
    try {
      frameAt(b, q);
    } catch (e) {
      if (e instanceof CodecError) continue;
      throw e;
    }
    throw damaged(`before a whole record at ${q}`);
  }
}
