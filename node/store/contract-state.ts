// The ContractState bucket read back whole: the ledger's state entries (key, canonical value bytes)
// as the last index batch left them, i.e. the state after the indexed tip. Written by
// ensureGenesis (height 0) and by every block's index batch (index-batch.ts).
import { Bucket, key, prefixEnd } from './buckets.js';
import type { Db } from './db.js';

const dec = new TextDecoder();

export async function readContractState(db: Db): Promise<[string, Uint8Array][]> {
  const prefix = key(Bucket.ContractState);
  const entries: [string, Uint8Array][] = [];
  for await (const [k, v] of db.iterate({ gte: prefix, lt: prefixEnd(prefix) }))
    entries.push([dec.decode(k.subarray(1)), v]);
  return entries;
}
