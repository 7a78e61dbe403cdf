// The offline check of a cross-chain trace bundle (api/xchain-trace-file.ts): that chain B
// committed a recordRemoteFact call, that B's contract recorded the fact it names, and that the
// A-side proofs the call carries lead to the consensus state of A that B's light client stored,
// for the chain A the caller trusts. Nothing here asks a node; every failure is ApiError
// VERIFICATION_FAILED with meta.check naming the failed check (docs/cross-chain.md §5).
import { decodeBlockHeader } from '../codec/block.js';
import { decodeEnvelope } from '../codec/envelope.js';
import type { BlockHeader, Hash32, XchainCall } from '../codec/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { tracingCode as tracingCodeOf } from '../crypto/hash.js';
import { decodeInclusionProof } from '../crypto/merkle-proof-codec.js';
import { LedgerError } from '../ledger/errors.js';
import { verifyStateProof } from '../ledger/state-proof.js';
import { verifyRemoteProof } from '../ledger/xchain/membership.js';
import { type ConsensusRecord, type FactRecord, XK } from '../ledger/xchain/records.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { type TrustAnchor, type VerifiedTrace, verifyTrace } from './verify.js';
import { verifyCertifiedHeader } from './verify-state.js';
import type { ProvenKey, XchainTraceBundle } from './xchain-trace-file.js';

export enum XchainTraceCheck {
  NotAFactCall = 'NOT_A_FACT_CALL',
  OtherClient = 'OTHER_CLIENT',
  OtherFact = 'OTHER_FACT',
  FactNotProven = 'FACT_NOT_PROVEN',
  FactMismatch = 'FACT_MISMATCH',
  ConsensusNotProven = 'CONSENSUS_STATE_NOT_PROVEN',
  WrongRemoteChain = 'WRONG_REMOTE_CHAIN',
  RemoteProof = 'REMOTE_PROOF',
}

type FactCall = Extract<XchainCall, { type: 'recordRemoteFact' }>;
type EnvelopeProof = Extract<FactCall['proof'], { kind: 'envelope' }>;

export interface ProvenRecord<T> {
  value: T;
  /** B's certified header the read was proven against (it proves the state after height - 1). */
  header: BlockHeader;
  blockHash: Hash32;
}

export interface VerifiedXchainTrace {
  clientId: number;
  /** B's commit of the recordRemoteFact call. */
  call: VerifiedTrace;
  anchorHeight: number;
  fact: ProvenRecord<FactRecord>;
  consensus: ProvenRecord<ConsensusRecord>;
  /** A's block holding the envelope, as proven against the consensus state. */
  remote: {
    tracingCode: Hash32;
    header: BlockHeader;
    blockHash: string;
    /** Hashes in the block-hash log path (0: the block is the anchor's own). */
    logPathLength: number;
    leafIndex: number;
    txPath: Uint8Array[];
  };
}

function refuse(check: string, detail: string): ApiError {
  return new ApiError(ApiErrorCode.VerificationFailed, `cross-chain trace: ${check}: ${detail}`, { check });
}

function provenRecord<T>(p: ProvenKey, key: string, trust: TrustAnchor, absent: string): ProvenRecord<T> {
  const { header, blockHash } = verifyCertifiedHeader(p.header, p.certificate, trust);
  let value: Uint8Array | undefined;
  try {
    value = verifyStateProof(header.stateRoot, key, p.bucket);
  } catch (err) {
    if (err instanceof LedgerError) throw refuse(String(err.meta.check), `${key}: ${err.detail}`);
    throw err;
  }
  if (value === undefined)
    throw refuse(absent, `B's state after height ${header.height - 1} holds no ${key}`);
  return { value: JSON.parse(new TextDecoder().decode(value)) as T, header, blockHash };
}

function factCallOf(envelope: Uint8Array, clientId: number): EnvelopeProof & { height: number } {
  const env = decodeEnvelope(envelope);
  if (!('call' in env) || env.call.type !== 'recordRemoteFact' || env.call.proof.kind !== 'envelope')
    throw refuse(XchainTraceCheck.NotAFactCall, "B's envelope is not a recordRemoteFact call of an envelope");
  if (env.call.clientId !== clientId)
    throw refuse(XchainTraceCheck.OtherClient, `the call names client ${env.call.clientId}, not ${clientId}`);
  return { ...env.call.proof, height: env.call.height };
}

/**
 * Verifies `b` for A's envelope `expected` (undefined: the one it holds): B's side against
 * `trustB` (B's genesis), A's side against the consensus state B proves it stored, and A's
 * identity against `remoteChainId` (the SHA-256 of A's genesis file).
 */
export function verifyXchainTrace(
  b: XchainTraceBundle,
  expected: Hash32 | undefined,
  trustB: TrustAnchor,
  remoteChainId: Hash32,
): VerifiedXchainTrace {
  const callCode = tracingCodeOf(b.call.envelope);
  const call = verifyTrace(b.call, callCode, trustB);
  const p = factCallOf(b.call.envelope, b.clientId);
  if (expected !== undefined && !bytesEqual(expected, p.tracingCode))
    throw refuse(XchainTraceCheck.OtherFact, `the call records ${toHex(p.tracingCode)}`);
  const factKey = XK.fact(b.clientId, toHex(p.tracingCode));
  const fact = provenRecord<FactRecord>(b.fact, factKey, trustB, XchainTraceCheck.FactNotProven);
  const f = fact.value;
  if (
    f.recordedBy !== toHex(callCode) ||
    f.anchorHeight !== p.height ||
    f.localHeight !== call.header.height ||
    f.kind !== 'envelope'
  )
    throw refuse(XchainTraceCheck.FactMismatch, `${factKey} was recorded by another call`);
  const consKey = XK.consensus(b.clientId, p.height);
  const consensus = provenRecord<ConsensusRecord>(
    b.consensus,
    consKey,
    trustB,
    XchainTraceCheck.ConsensusNotProven,
  );
  const remoteHeader = decodeBlockHeader(p.header);
  if (!bytesEqual(remoteHeader.chainId, remoteChainId))
    throw refuse(
      XchainTraceCheck.WrongRemoteChain,
      `A's block names chain ${toHex(remoteHeader.chainId)}, not the trusted ${toHex(remoteChainId)}`,
    );
  const checked = verifyRemoteProof(consensus.value, toHex(remoteChainId), p);
  if (!checked.ok || checked.value.kind !== 'envelope')
    throw refuse(XchainTraceCheck.RemoteProof, `A's proofs do not lead to ${consKey}`);
  const tx = decodeInclusionProof(p.txProof);
  return {
    clientId: b.clientId,
    call,
    anchorHeight: p.height,
    fact,
    consensus,
    remote: {
      tracingCode: p.tracingCode,
      header: remoteHeader,
      blockHash: checked.value.blockHash,
      logPathLength: p.logProof.length === 0 ? 0 : decodeInclusionProof(p.logProof).path.length,
      leafIndex: tx.leafIndex,
      txPath: tx.path,
    },
  };
}
