// The proof kept of a validator-set change (docs/storage.md, buckets ValidatorProof and
// ValidatorChange), read straight from the index: the store serves it, and the archive writer
// copies it next to the block that starts the change, so an archive verifies across the change.
import { decodeParts, VALIDATORS_PROOF_PARTS } from '../../codec/snapshot-messages.js';
import { Bucket, key, u64 } from './buckets.js';
import type { Db } from './db.js';
import { StoreError, StoreErrorCode } from './errors.js';
import type { InstalledValidatorChange } from './install.js';

/** A kept change proof: header activation - 1, its certificate, the schedule's bucket. */
export type KeptValidatorChange = Omit<InstalledValidatorChange, 'activation'>;

/**
 * Header activation - 1, its certificate and the bucket proof of "gov/validators" against it: kept
 * in that header's block batch (ValidatorProof), or fetched and verified at a snapshot install for
 * a change at or below the base (ValidatorChange). Undefined when none is kept.
 */
export async function readValidatorChange(
  db: Db,
  activation: number,
): Promise<KeptValidatorChange | undefined> {
  const a = u64(activation);
  const [own, installed] = await db.getMany([key(Bucket.ValidatorProof, a), key(Bucket.ValidatorChange, a)]);
  if (own !== undefined) {
    const at = u64(activation - 1);
    const [header, certificate] = await db.getMany([key(Bucket.Header, at), key(Bucket.Certificate, at)]);
    if (header === undefined || certificate === undefined)
      throw new StoreError(StoreErrorCode.NotFound, 'no header before the validator-set change', {
        height: activation - 1,
      });
    return { header, certificate, bucket: own };
  }
  if (installed === undefined) return undefined;
  const [header, certificate, bucket] = decodeParts(installed, VALIDATORS_PROOF_PARTS, 'validatorChange');
  return { header: header!, certificate: certificate!, bucket: bucket! };
}
