// Who may sign what, as admission and block validation ask it of the committed contract state:
// a KPI upload needs an active site whose current key signed it, a fresh sequence number and
// routing the registry allows; a contract call needs a current administrator and a fresh sequence
// number. The contracts re-check the same rules when they execute a block.
import { type Envelope, EnvelopeKind, type KeyId } from '../codec/types.js';
import { keyIdOf } from '../crypto/key-id.js';
import type { Contracts } from '../ledger/contracts.js';
import { Reason } from '../ledger/reasons.js';
import { type AdminsRecord, hex, K, unhex } from '../ledger/records.js';
import { seqWindow } from '../ledger/registry.js';
import { checkSeq } from '../ledger/seq-window.js';
import type { Authorization } from './admission.js';
import { NodeErrorCode } from './errors.js';

const REPLAY = new Set([Reason.SeqReplayed, Reason.SeqTooOld]);

function refusal(reason: Reason): Authorization {
  const code = REPLAY.has(reason)
    ? NodeErrorCode.Replayed
    : reason === Reason.WrongChain
      ? NodeErrorCode.WrongChain
      : NodeErrorCode.Unauthorized;
  return { ok: false, code, message: `refused by the permission contract: ${Reason[reason]}` };
}

/** Public key of a current administrator with this key ID, if any. */
export function adminPublicKey(contracts: Contracts, keyId: KeyId): Uint8Array | undefined {
  const rec = contracts.state.get<AdminsRecord>(K.admins);
  const want = hex(keyId);
  const found = rec?.admins.find((a) => hex(keyIdOf(unhex(a))) === want);
  return found === undefined ? undefined : unhex(found);
}

/** The key that must have signed an envelope from this signer: a site's current key or an admin's. */
export function signerPublicKey(contracts: Contracts, keyId: KeyId): Uint8Array | undefined {
  return contracts.site(keyId)?.publicKey ?? adminPublicKey(contracts, keyId);
}

export function authorize(contracts: Contracts, env: Envelope): Authorization {
  if (env.kind === EnvelopeKind.KpiUpload) {
    const check = contracts.checkUpload(env);
    if (!check.ok) return refusal(check.reason);
    return { ok: true, publicKey: unhex(check.value.publicKey) };
  }
  const admin = adminPublicKey(contracts, env.signerKeyId);
  if (admin === undefined) return refusal(Reason.NotAdmin);
  const seq = checkSeq(seqWindow(contracts.state, hex(env.signerKeyId)), env.seq);
  if (seq !== Reason.None) return refusal(seq);
  return { ok: true, publicKey: admin };
}
