// Who may sign what, as admission and block validation ask it of the committed contract state:
// a KPI upload needs an active site whose current key signed it, a fresh sequence number and
// routing the registry allows; a contract call needs a current administrator and a fresh sequence
// number; either needs a time not too far ahead of the node's clock (the chain's bounds in force at
// the next height). The contracts re-check the same rules when they execute a block.
import { type Envelope, EnvelopeKind, type KeyId } from '../../codec/types.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { hexOfKeyId } from '../../crypto/key-id-hex.js';
import type { Contracts } from '../../ledger/contracts.js';
import { checkEnvelopeTime } from '../../ledger/envelope-bounds.js';
import { Reason } from '../../ledger/reasons.js';
import { type AdminsRecord, hex, K, unhex } from '../../ledger/records.js';
import { seqWindow, sitePublicKey } from '../../ledger/registry.js';
import { checkSeq } from '../../ledger/seq-window.js';
import { isXchainCall, relayerPublicKey } from '../../ledger/xchain/calls.js';
import { NodeErrorCode } from '../errors.js';
import type { Authorization } from './admission.js';

/** The RPC reason of each contract refusal that is not UNAUTHORIZED. */
const CODE_OF = new Map<Reason, NodeErrorCode>([
  [Reason.SeqReplayed, NodeErrorCode.Replayed],
  [Reason.SeqTooOld, NodeErrorCode.Replayed],
  [Reason.SeqTooFar, NodeErrorCode.SeqTooFar],
  [Reason.TimeInFuture, NodeErrorCode.TimeInFuture],
  [Reason.WrongChain, NodeErrorCode.WrongChain],
]);

function refusal(reason: Reason): Authorization {
  const code = CODE_OF.get(reason) ?? NodeErrorCode.Unauthorized;
  return { ok: false, code, message: `refused by the permission contract: ${Reason[reason]}` };
}

/** When admission judges an envelope: the node's clock, and the height it would commit at (tip + 1). */
export interface AdmissionTime {
  now: number;
  height: number;
}

/** Public key of a current administrator with this key ID, if any. */
export function adminPublicKey(contracts: Contracts, keyId: KeyId): Uint8Array | undefined {
  const rec = contracts.state.get<AdminsRecord>(K.admins);
  const want = hex(keyId);
  const found = rec?.admins.find((a) => hex(keyIdOf(unhex(a))) === want);
  return found === undefined ? undefined : unhex(found);
}

/** Public key of a relayer listed by a cross-chain light client with this key ID, if any. */
export function relayerKey(contracts: Contracts, keyId: KeyId): Uint8Array | undefined {
  const found = relayerPublicKey(contracts.state, hex(keyId));
  return found === undefined ? undefined : unhex(found);
}

/** The key that must have signed an envelope from this signer: a site's, an admin's or a relayer's. */
export function signerPublicKey(contracts: Contracts, keyId: KeyId): Uint8Array | undefined {
  return contracts.site(keyId)?.publicKey ?? adminPublicKey(contracts, keyId) ?? relayerKey(contracts, keyId);
}

export function authorize(contracts: Contracts, env: Envelope, at: AdmissionTime): Authorization {
  if (env.kind === EnvelopeKind.KpiUpload) {
    const check = contracts.checkUpload(env, at);
    if (!check.ok) return refusal(check.reason);
    return { ok: true, publicKey: sitePublicKey(check.value) };
  }
  // A relayer key may sign cross-chain calls only; the contract checks which client's.
  const admin =
    adminPublicKey(contracts, env.signerKeyId) ??
    (isXchainCall(env.call) ? relayerKey(contracts, env.signerKeyId) : undefined);
  if (admin === undefined) return refusal(Reason.NotAdmin);
  const seq = checkSeq(seqWindow(contracts.state, hexOfKeyId(env.signerKeyId)), env.seq);
  if (seq !== Reason.None) return refusal(seq);
  const ahead = checkEnvelopeTime(env.time, at.now, contracts.bounds(at.height).maxEnvelopeFutureMs);
  if (ahead !== Reason.None) return refusal(ahead);
  return { ok: true, publicKey: admin };
}
