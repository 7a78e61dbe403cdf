// The proofs that let a light client follow validator-set changes from genesis (api/light-client.ts).
// A change activating at H is executed at least two blocks before H (ledger/governance.ts), so the
// header H - 1, certified by the set in force before the change, already commits to a state that
// holds it. When block H - 1 commits, the node keeps the bucket proof of "gov/validators" in the
// state that header certifies (the state after H - 2), in the block's own index batch (store
// bucket ValidatorProof): a live commit, a block-synced one and a block re-executed by recovery at
// open all keep it, and a crash cannot index the block without it. A node installed from a
// snapshot fetched and verified the proofs of every change up to its base (ValidatorChange,
// node/snapshot/validator-changes.ts). Both are served with header H - 1 and its certificate
// (GetState with `activation`, docs/rpc.md; the snapshot protocol's CHANGE).
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { StateProofBytes } from '../api/types.js';
import { encodeStateProof } from '../codec/state-proof.js';
import { K, type Scheduled } from '../ledger/records.js';
import type { ContractState } from '../ledger/state.js';
import type { ProvenState } from './proven-state.js';
import type { Store } from './store/index.js';

/**
 * Before block `height` executes (`state` is the state after height - 1, the one its header
 * certifies): the proof to keep in its batch when a set activates at height + 1, else undefined.
 */
export function validatorProofToKeep(
  state: Pick<ContractState, 'get'>,
  proven: Pick<ProvenState, 'nextProof'>,
  height: number,
): { activation: number; proof: Uint8Array } | undefined {
  const activation = height + 1;
  const schedule = state.get<Scheduled<string[]>[]>(K.validators);
  if (schedule === undefined || !schedule.some((s) => s.activateAt === activation)) return undefined;
  return { activation, proof: encodeStateProof(proven.nextProof(K.validators)) };
}

/** The kept proof of the change activating at `activation`: bucket, header H - 1 and its certificate. */
export async function validatorChangeProof(
  store: Pick<Store, 'validatorChange'>,
  activation: number,
): Promise<StateProofBytes> {
  const kept = await store.validatorChange(activation);
  if (kept === undefined)
    throw new ApiError(
      ApiErrorCode.NotFound,
      `no validator-set change proof kept for activation ${activation}: no set activates there, or this node holds none (ask another node)`,
    );
  return { header: kept.header, certificate: kept.certificate, buckets: [kept.bucket] };
}
