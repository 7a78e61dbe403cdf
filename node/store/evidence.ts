// Equivocation evidence kept by the node (bucket Evidence): each record written synced, so evidence
// survives a crash right after it is reported, and read back in key order for the management plane.
import { decodeEvidenceRecord, encodeEvidenceRecord } from '../../codec/consensus-state.js';
import { CodecError } from '../../codec/errors.js';
import type { EvidenceRecord } from '../../codec/types.js';
import { toHex } from '../../crypto/bytes.js';
import { Bucket, key, prefixEnd } from './buckets.js';
import type { Db } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';

export function putEvidence(db: Db, k: Uint8Array, e: EvidenceRecord): Promise<void> {
  return db.batch([{ type: 'put', key: key(Bucket.Evidence, k), value: encodeEvidenceRecord(e) }], {
    sync: true,
  });
}

export async function* readEvidence(db: Db): AsyncGenerator<[Uint8Array, EvidenceRecord]> {
  const p = key(Bucket.Evidence);
  for await (const [k, v] of db.iterate({ gte: p, lt: prefixEnd(p) })) {
    let e: EvidenceRecord;
    try {
      e = decodeEvidenceRecord(v);
    } catch (err) {
      if (!(err instanceof CodecError)) throw err;
      throw new StoreError(StoreErrorCode.Corrupt, `evidence record unreadable: ${err.message}`, {
        key: toHex(k.subarray(1)),
      });
    }
    yield [k.subarray(1), e];
  }
}
