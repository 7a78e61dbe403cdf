// SCP key directory: the smart city platform's X25519 encryption keys, with IDs and validity
// windows, so that sites know which key to seal for and when to move to the next one.
import type { KeyId } from '../codec/types.js';
import { keyIdOf } from '../crypto/key-id.js';
import { Reason } from './reasons.js';
import { hex, K, type ScpKeyRecord, unhex } from './records.js';
import type { ContractState } from './state.js';

export interface ScpKey {
  keyId: KeyId;
  publicKey: Uint8Array;
  notBefore: number;
  notAfter: number;
  retired: boolean;
}

export function addScpKey(
  state: ContractState,
  a: { publicKey: Uint8Array; notBefore: number; notAfter: number },
): Reason {
  const id = hex(keyIdOf(a.publicKey));
  if (state.get(K.scpKey(id)) !== undefined) return Reason.InvalidAction;
  state.put(K.scpKey(id), {
    publicKey: hex(a.publicKey),
    notBefore: a.notBefore,
    notAfter: a.notAfter,
    retired: false,
  });
  return Reason.None;
}

export function retireScpKey(state: ContractState, keyId: KeyId): Reason {
  const id = hex(keyId);
  const r = state.get<ScpKeyRecord>(K.scpKey(id));
  if (r === undefined) return Reason.UnknownScpKey;
  if (r.retired) return Reason.BadTransition;
  state.put(K.scpKey(id), { ...r, retired: true });
  return Reason.None;
}

/** Every key in the directory (retired ones included, flagged), ordered by key ID. */
export function listScpKeys(state: ContractState): ScpKey[] {
  return state.keys(K.scpPrefix).map((k) => {
    const r = state.get<ScpKeyRecord>(k) as ScpKeyRecord;
    return {
      keyId: unhex(k.slice(K.scpPrefix.length)),
      publicKey: unhex(r.publicKey),
      notBefore: r.notBefore,
      notAfter: r.notAfter,
      retired: r.retired,
    };
  });
}
