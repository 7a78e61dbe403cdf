// One certified header of the remote chain, judged against what a light client trusts: the
// remote chain ID, the validator set the client holds in force at the header's height, 2f+1 valid
// signatures of that set, and a time not beyond the local block time plus the allowed clock drift.
// Signatures are verified here, synchronously, as part of executing the call: every node does the
// same check on the same bytes (bounded by the call's header cap and the validator cap).
import { decodeBlockHeader } from '../../codec/block.js';
import { decodeCommitCertificate } from '../../codec/certificate.js';
import { blockHeaderHashInput } from '../../codec/signing.js';
import type { BlockHeader, CommitCertificate, Hash32, RemoteCertifiedHeader } from '../../codec/types.js';
import { bytesEqual } from '../../crypto/bytes.js';
import { validatorSetHash, verifyCertificate } from '../../crypto/certificate.js';
import { sha256 } from '../../crypto/hash.js';
import { type Check, Reason, reject } from '../reasons.js';
import { hex, type Scheduled, unhex } from '../records.js';
import { type ClientRecord, ClientStatus, type ConsensusRecord } from './records.js';

export interface RemoteHeader {
  header: BlockHeader;
  certificate: CommitCertificate;
  blockHash: Hash32;
}

/** The set (public keys, hex) a schedule has in force at `height`: its last activation at or below. */
export function setAt(schedule: readonly Scheduled<string[]>[], height: number): string[] | undefined {
  let found: string[] | undefined;
  for (const s of schedule) if (s.activateAt <= height) found = s.value;
  return found;
}

export function setHashHex(set: readonly string[]): string {
  return hex(validatorSetHash(set.map(unhex)));
}

/** Decodes a remote header; its hash is taken over the bytes as received. */
export function decodeRemoteHeader(bytes: Uint8Array): BlockHeader | undefined {
  try {
    return decodeBlockHeader(bytes);
  } catch {
    return undefined;
  }
}

export function remoteBlockHash(headerBytes: Uint8Array): Hash32 {
  return sha256(blockHeaderHashInput(headerBytes));
}

/**
 * Checks one certified header for client `c` at local block time `now`. The set is the one the
 * client's schedule names for the header's height; a header naming any other set is refused, so a
 * change of the remote set is followed only once a schedule proof certified by the set before it
 * has shown it (ledger/xchain/schedule-proof.ts).
 */
export function checkRemoteHeader(
  c: ClientRecord,
  part: RemoteCertifiedHeader,
  now: number,
): Check<RemoteHeader> {
  const header = decodeRemoteHeader(part.header);
  if (header === undefined || header.chainId.length !== 32) return reject(Reason.BadRemoteHeader);
  if (hex(header.chainId) !== c.chainId) return reject(Reason.BadRemoteHeader);
  if (header.time > now + c.maxClockDriftMs) return reject(Reason.BadRemoteHeader);
  let certificate: CommitCertificate;
  try {
    certificate = decodeCommitCertificate(part.certificate);
  } catch {
    return reject(Reason.BadRemoteCertificate);
  }
  const set = setAt(c.schedule, header.height);
  if (set === undefined || setHashHex(set) !== hex(header.validatorSetHash))
    return reject(Reason.UnknownValidatorSet);
  const blockHash = remoteBlockHash(part.header);
  const check = verifyCertificate(
    certificate,
    { hash: blockHash, height: header.height },
    header.chainId,
    set.map(unhex),
  );
  if (!check.ok) return reject(Reason.BadRemoteCertificate);
  return { ok: true, value: { header, certificate, blockHash } };
}

/**
 * Active, Frozen (misbehaviour proven) or Expired (the latest consensus state is a trusting period
 * or more older than the local block time `now`): judged on chain data only.
 */
export function clientStatus(
  c: ClientRecord,
  latest: ConsensusRecord | undefined,
  now: number,
): ClientStatus {
  if (c.frozenHeight > 0) return ClientStatus.Frozen;
  if (latest === undefined || now >= latest.time + c.trustingPeriodMs) return ClientStatus.Expired;
  return ClientStatus.Active;
}

export function sameHash(a: Uint8Array, bHex: string): boolean {
  return bytesEqual(a, unhex(bHex));
}
