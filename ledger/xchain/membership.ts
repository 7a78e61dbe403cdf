// verifyMembership: a remote envelope's inclusion, or a remote contract-state value (or its
// absence), proven against a consensus state the light client holds; and the contract call that
// records such a fact as a cross-chain reference (the tracing code and where it was proven, never
// the sealed packet or any plaintext).

import type { RemoteProof, XchainCall } from '../../codec/types.js';
import { sha256 } from '../../crypto/hash.js';
import type { InclusionProof } from '../../crypto/merkle.js';
import { decodeInclusionProof } from '../../crypto/merkle-proof-codec.js';
import { verifyInclusion } from '../../crypto/merkle-verify.js';
import { type Check, Reason, reject } from '../reasons.js';
import { hex, unhex } from '../records.js';
import type { ContractState } from '../state.js';
import { verifyStateProof } from '../state-proof.js';
import { getClient, getConsensus, statusOf, type XchainContext } from './client.js';
import { ClientStatus, type ConsensusRecord, type FactRecord, XK } from './records.js';
import { decodeRemoteHeader, remoteBlockHash } from './remote-header.js';

export type VerifiedRemote =
  | { kind: 'envelope'; remoteHeight: number; blockHash: string; tracingCode: string }
  | { kind: 'state'; key: string; value: string | null };

function inclusion(bytes: Uint8Array): InclusionProof | undefined {
  try {
    return decodeInclusionProof(bytes);
  } catch {
    return undefined;
  }
}

const utf8 = new TextDecoder();

/**
 * Checks a remote proof against one consensus state of the chain `chainId` (hex): the check the
 * contract runs, and what an offline verifier of a cross-chain trace runs against the consensus
 * state B proves it stored (api/xchain-trace-verify.ts).
 */
export function verifyRemoteProof(
  cons: ConsensusRecord,
  chainId: string,
  p: RemoteProof,
): Check<VerifiedRemote> {
  if (p.kind === 'state') {
    try {
      const v = verifyStateProof(unhex(cons.stateRoot), p.key, p.stateProof);
      return {
        ok: true,
        value: { kind: 'state', key: p.key, value: v === undefined ? null : utf8.decode(v) },
      };
    } catch {
      return reject(Reason.BadRemoteProof);
    }
  }
  const header = decodeRemoteHeader(p.header);
  if (header === undefined || hex(header.chainId) !== chainId) return reject(Reason.BadRemoteProof);
  const blockHash = remoteBlockHash(p.header);
  if (header.height === cons.height) {
    if (p.logProof.length > 0 || hex(blockHash) !== cons.blockHash) return reject(Reason.BadRemoteProof);
  } else {
    // The consensus state's block-hash log has `height` leaves; leaf i is the hash of block i.
    const log = inclusion(p.logProof);
    if (log === undefined || log.leafIndex !== header.height || log.treeSize !== cons.height)
      return reject(Reason.BadRemoteProof);
    if (!verifyInclusion(blockHash, log, unhex(cons.hashLogRoot))) return reject(Reason.BadRemoteProof);
  }
  const tx = inclusion(p.txProof);
  if (tx === undefined || tx.treeSize !== header.txCount) return reject(Reason.BadRemoteProof);
  if (!verifyInclusion(p.tracingCode, tx, header.txRoot)) return reject(Reason.BadRemoteProof);
  return {
    ok: true,
    value: {
      kind: 'envelope',
      remoteHeight: header.height,
      blockHash: hex(blockHash),
      tracingCode: hex(p.tracingCode),
    },
  };
}

/**
 * Checks `proof` against the consensus state client `clientId` holds at remote `height`; the
 * client must be Active at local block time `now`.
 */
export function verifyMembership(
  state: ContractState,
  clientId: number,
  height: number,
  proof: RemoteProof,
  now: number,
): Check<VerifiedRemote> {
  const c = getClient(state, clientId);
  if (c === undefined) return reject(Reason.UnknownClient);
  const status = statusOf(state, c, now);
  if (status === ClientStatus.Frozen) return reject(Reason.ClientFrozen);
  if (status === ClientStatus.Expired) return reject(Reason.ClientExpired);
  const cons = getConsensus(state, clientId, height);
  if (cons === undefined) return reject(Reason.NoConsensusState);
  return verifyRemoteProof(cons, c.chainId, proof);
}

/** The fact's ID: the envelope's tracing code, or SHA-256 of "state:<anchor height>:<key>". */
export function factId(v: VerifiedRemote, anchorHeight: number): string {
  if (v.kind === 'envelope') return v.tracingCode;
  return hex(sha256(new TextEncoder().encode(`state:${anchorHeight}:${v.key}`)));
}

/** recordRemoteFact: verifies, then records the reference once. */
export function recordRemoteFact(
  ctx: XchainContext,
  call: Extract<XchainCall, { type: 'recordRemoteFact' }>,
): Reason {
  const checked = verifyMembership(ctx.state, call.clientId, call.height, call.proof, ctx.time);
  if (!checked.ok) return checked.reason;
  const v = checked.value;
  const key = XK.fact(call.clientId, factId(v, call.height));
  if (ctx.state.get(key) !== undefined) return Reason.FactExists;
  const fact: FactRecord = {
    kind: v.kind,
    anchorHeight: call.height,
    remoteHeight: v.kind === 'envelope' ? v.remoteHeight : call.height - 1,
    tracingCode: v.kind === 'envelope' ? v.tracingCode : null,
    blockHash: v.kind === 'envelope' ? v.blockHash : null,
    key: v.kind === 'state' ? v.key : null,
    value: v.kind === 'state' ? v.value : null,
    localHeight: ctx.height,
    recordedBy: ctx.tracingCodeHex,
  };
  ctx.state.put(key, fact);
  return Reason.None;
}
