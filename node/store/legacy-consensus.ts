// Data folders written before the durable record format kept the consensus state (index key
// Wal/"consensus/state") and each evidence value as msgpackr maps. Store.open reads them once:
// the state becomes the WAL file's first record and its old key is deleted; each old evidence
// value is rewritten in place as an evidence record. Both go through the codec's encoders, which
// check every field, so an old value that is not what the driver wrote is refused, not trusted.
import { unpack } from 'msgpackr';
import { decodeConsensusMessage } from '../../codec/consensus-messages.js';
import {
  decodeConsensusState,
  encodeConsensusState,
  encodeEvidenceRecord,
} from '../../codec/consensus-state.js';
import { DURABLE_MAGIC } from '../../codec/durable-record.js';
import type { EvidenceRecord, PersistentState } from '../../codec/types.js';
import { toHex } from '../../crypto/bytes.js';
import { Bucket, key, prefixEnd } from './buckets.js';
import type { ConsensusWal } from './consensus-wal.js';
import type { Db, DbOp } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';

/** Where the driver of earlier versions kept its state. */
export const LEGACY_STATE_KEY = key(Bucket.Wal, new TextEncoder().encode('consensus/state'));

export interface LegacyMigration {
  /** The consensus state was read from the index and is now the WAL's. */
  state: boolean;
  /** Evidence values rewritten as records. */
  evidence: number;
}

export async function migrateLegacyConsensus(db: Db, wal: ConsensusWal): Promise<LegacyMigration> {
  const out: LegacyMigration = { state: false, evidence: 0 };
  const old = await db.get(LEGACY_STATE_KEY);
  if (old !== undefined) {
    // With records in the WAL the value is stale: a crash came between the put and the delete.
    if (wal.state === undefined) {
      await wal.put(legacyState(old));
      out.state = true;
    }
    await db.batch([{ type: 'del', key: LEGACY_STATE_KEY }], { sync: true });
  }
  const ops: DbOp[] = [];
  const p = key(Bucket.Evidence);
  for await (const [k, v] of db.iterate({ gte: p, lt: prefixEnd(p) }))
    if (!isDurableRecord(v)) ops.push({ type: 'put', key: k, value: legacyEvidence(k, v) });
  if (ops.length > 0) await db.batch(ops, { sync: true });
  out.evidence = ops.length;
  return out;
}

function isDurableRecord(v: Uint8Array): boolean {
  return v.length >= 4 && ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0 === DURABLE_MAGIC;
}

function refuse(what: string, err: unknown, meta: Record<string, string>): StoreError {
  return new StoreError(
    StoreErrorCode.Corrupt,
    `${what} written by an earlier version is unreadable (${String(err)}): the data folder is ` +
      'damaged; restore it from a backup',
    meta,
  );
}

function legacyState(b: Uint8Array): PersistentState {
  try {
    // The encoder checks every field of the unpacked map; decoding its output gives plain values.
    return decodeConsensusState(encodeConsensusState(unpack(b) as PersistentState));
  } catch (err) {
    throw refuse('consensus state', err, { key: 'consensus/state' });
  }
}

/** The old value as an evidence record (encoded: the encoder checks kind and message types). */
function legacyEvidence(k: Uint8Array, b: Uint8Array): Uint8Array {
  try {
    const v = unpack(b) as {
      kind: EvidenceRecord['kind'];
      offender: Uint8Array;
      first: Uint8Array;
      second: Uint8Array;
    };
    const first = decodeConsensusMessage(v.first) as EvidenceRecord['first'];
    const second = decodeConsensusMessage(v.second) as EvidenceRecord['second'];
    return encodeEvidenceRecord({ kind: v.kind, offender: v.offender, first, second });
  } catch (err) {
    throw refuse('evidence', err, { key: toHex(k.subarray(1)) });
  }
}
