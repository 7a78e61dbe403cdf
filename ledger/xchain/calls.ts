// Who may make a cross-chain call, and its dispatch. Relayers are untrusted: the contract checks
// every header, certificate and proof they bring; being listed only lets a key sign envelopes
// (the chain admits no anonymous signer), and only the calls of its own client.
import type { XchainCall } from '../../codec/types.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { Reason } from '../reasons.js';
import { hex, unhex } from '../records.js';
import type { ContractState } from '../state.js';
import { getClient, submitMisbehaviour, updateClient, type XchainContext } from './client.js';
import { recordRemoteFact } from './membership.js';
import { type ClientRecord, XK } from './records.js';

export function isXchainCall(call: { type: string }): call is XchainCall {
  return (
    call.type === 'updateClient' || call.type === 'submitMisbehaviour' || call.type === 'recordRemoteFact'
  );
}

function listsRelayer(c: ClientRecord, keyIdHex: string): string | undefined {
  return c.relayers.find((k) => hex(keyIdOf(unhex(k))) === keyIdHex);
}

/** The public key (hex) of a relayer of any client with this key ID: who may sign xchain calls. */
export function relayerPublicKey(state: ContractState, keyIdHex: string): string | undefined {
  for (const k of state.keys(XK.clientPrefix)) {
    const found = listsRelayer(state.get<ClientRecord>(k) as ClientRecord, keyIdHex);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Applies a cross-chain call signed by `signerKeyIdHex` (`admin`: a current administrator). */
export function applyXchainCall(
  ctx: XchainContext,
  call: XchainCall,
  signerKeyIdHex: string,
  admin: boolean,
): Reason {
  const c = getClient(ctx.state, call.clientId);
  if (c === undefined) return Reason.UnknownClient;
  if (!admin && listsRelayer(c, signerKeyIdHex) === undefined) return Reason.NotRelayer;
  switch (call.type) {
    case 'updateClient':
      return updateClient(ctx, call);
    case 'submitMisbehaviour':
      return submitMisbehaviour(ctx, call);
    case 'recordRemoteFact':
      return recordRemoteFact(ctx, call);
  }
}
