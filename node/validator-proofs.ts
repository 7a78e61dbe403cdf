// The proofs that let a light client follow validator-set changes from genesis (api/light-client.ts).
// A change activating at H is executed at least two blocks before H (ledger/governance.ts), so the
// header H - 1, certified by the set in force before the change, already commits to a state that
// holds it. A node proves state only against its newest certified header (proven-state.ts); when
// that header is H - 1 it keeps the bucket proof of "gov/validators" for H (store bucket
// ValidatorProof), and serves it later with that header and its certificate (GetState with
// `activation`, docs/rpc.md). A node that was stopped while H - 1 was its newest header has none
// for H; clients ask another node.
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { parseJson } from '../api/state-values.js';
import type { StateProofBytes } from '../api/types.js';
import { encodeStateProof } from '../codec/state-proof.js';
import { K, type Scheduled } from '../ledger/records.js';
import type { ProvenState } from './proven-state.js';
import type { Store } from './store/index.js';

/** After header `height` became the proven one: keeps the schedule's proof if a set activates at height + 1. */
export async function keepValidatorProof(
  proven: ProvenState,
  store: Pick<Store, 'putValidatorProof'>,
  height: number,
): Promise<boolean> {
  const raw = proven.get(K.validators);
  if (raw === undefined) return false;
  const activation = height + 1;
  if (!parseJson<Scheduled<string[]>[]>(raw).some((s) => s.activateAt === activation)) return false;
  const read = proven.read([K.validators]);
  if (read === undefined || read.height !== height) return false;
  await store.putValidatorProof(activation, encodeStateProof(read.proofs[0]!));
  return true;
}

/** The kept proof of the change activating at `activation`: bucket, header H - 1 and its certificate. */
export async function validatorChangeProof(
  store: Pick<Store, 'validatorProof' | 'getHeader' | 'getCertificate'>,
  activation: number,
): Promise<StateProofBytes> {
  const bucket = await store.validatorProof(activation);
  if (bucket === undefined)
    throw new ApiError(
      ApiErrorCode.NotFound,
      `no validator-set change proof kept for activation ${activation} (none activates there, or this node was not running at ${activation - 1})`,
    );
  const [header, certificate] = await Promise.all([
    store.getHeader(activation - 1),
    store.getCertificate(activation - 1),
  ]);
  return { header, certificate, buckets: [bucket] };
}
