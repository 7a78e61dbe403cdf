// The light-client contract (after IBC ICS-07, for bkdms chains): governance registers a remote
// chain with a trusted header and the set that certified it; anyone the client lists as relayer
// then brings newer certified headers; two conflicting certified headers of one height freeze it.
// Every rule reads time from the executing block only. Writes happen only once a whole call has
// been checked, so a refused call leaves the state as it was.
import type { RegisterCounterparty, RemoteCertifiedHeader, XchainCall } from '../../codec/types.js';
import { Reason } from '../reasons.js';
import { hex } from '../records.js';
import type { ContractState } from '../state.js';
import {
  type ClientRecord,
  ClientStatus,
  type ConsensusRecord,
  MAX_CONSENSUS_STATES,
  type MisbehaviourRecord,
  XK,
} from './records.js';
import {
  checkRemoteHeader,
  clientStatus,
  decodeRemoteHeader,
  type RemoteHeader,
  remoteBlockHash,
  setAt,
  setHashHex,
} from './remote-header.js';
import { provenSchedule } from './schedule-proof.js';

/** Where and when a call executes, and what identifies it. */
export interface XchainContext {
  state: ContractState;
  height: number;
  /** Local block time (ms). */
  time: number;
  tracingCodeHex: string;
}

export function getClient(state: ContractState, id: number): ClientRecord | undefined {
  return state.get<ClientRecord>(XK.client(id));
}

export function getConsensus(state: ContractState, id: number, height: number): ConsensusRecord | undefined {
  return state.get<ConsensusRecord>(XK.consensus(id, height));
}

/** Every client with its latest consensus state (when held), by client ID. */
export function listClients(state: ContractState): { client: ClientRecord; latest?: ConsensusRecord }[] {
  return state.keys(XK.clientPrefix).map((k) => {
    const client = state.get<ClientRecord>(k) as ClientRecord;
    return { client, latest: getConsensus(state, client.clientId, client.latestHeight) };
  });
}

/** A client's status at local block time `now`. */
export function statusOf(state: ContractState, c: ClientRecord, now: number): ClientStatus {
  return clientStatus(c, getConsensus(state, c.clientId, c.latestHeight), now);
}

function consensusOf(c: ClientRecord, v: Pick<RemoteHeader, 'header' | 'blockHash'>): ConsensusRecord {
  const next = setAt(c.schedule, v.header.height + 1);
  return {
    height: v.header.height,
    time: v.header.time,
    blockHash: hex(v.blockHash),
    stateRoot: hex(v.header.stateRoot),
    hashLogRoot: hex(v.header.hashLogRoot),
    validatorSetHash: hex(v.header.validatorSetHash),
    nextValidatorSetHash: next === undefined ? '' : setHashHex(next),
  };
}

export function registerCounterparty(ctx: XchainContext, a: RegisterCounterparty): Reason {
  if (getClient(ctx.state, a.clientId) !== undefined) return Reason.ClientExists;
  const header = decodeRemoteHeader(a.trustedHeader);
  if (header === undefined) return Reason.BadRemoteHeader;
  const set = a.validators.map(hex);
  if (setHashHex(set) !== hex(header.validatorSetHash)) return Reason.UnknownValidatorSet;
  if (header.time + a.trustingPeriodMs <= ctx.time) return Reason.ClientExpired;
  const c: ClientRecord = {
    clientId: a.clientId,
    chainId: hex(header.chainId),
    trustingPeriodMs: a.trustingPeriodMs,
    maxClockDriftMs: a.maxClockDriftMs,
    relayers: a.relayers.map(hex),
    latestHeight: header.height,
    heights: [header.height],
    schedule: [{ activateAt: header.height, value: set }],
    provenAt: header.height,
    frozenHeight: 0,
    since: ctx.height,
  };
  const blockHash = remoteBlockHash(a.trustedHeader);
  ctx.state.put(XK.client(a.clientId), c);
  ctx.state.put(XK.consensus(a.clientId, header.height), consensusOf(c, { header, blockHash }));
  return Reason.None;
}

function evidence(part: RemoteCertifiedHeader): { header: string; certificate: string } {
  return { header: hex(part.header), certificate: hex(part.certificate) };
}

/**
 * Freezes `c` at remote height `height`. The evidence is two certified headers, or (`first` null)
 * one certified header against the hash of the consensus state already held at its height.
 */
function freeze(
  ctx: XchainContext,
  c: ClientRecord,
  height: number,
  first: RemoteCertifiedHeader | null,
  second: RemoteCertifiedHeader,
  heldBlockHash: string | null = null,
): void {
  const ev: MisbehaviourRecord = {
    height,
    localHeight: ctx.height,
    proofTracingCode: ctx.tracingCodeHex,
    first: first === null ? null : evidence(first),
    second: evidence(second),
    heldBlockHash,
  };
  ctx.state.put(XK.misbehaviour(c.clientId), ev);
  ctx.state.put(XK.client(c.clientId), { ...c, frozenHeight: height });
}

/** The held heights closest below and above `height` (`heights` ascending). */
function neighbours(heights: readonly number[], height: number): [number | undefined, number | undefined] {
  let below: number | undefined;
  let above: number | undefined;
  for (const h of heights) {
    if (h < height) below = h;
    else if (h > height && above === undefined) above = h;
  }
  return [below, above];
}

/**
 * updateClient: each header in order must be certified by the set in force at its height, fit in
 * time between the stored neighbours (and link to a stored parent), and may carry a proof of the
 * remote validator schedule. A header already held is skipped; a call of nothing but those is
 * DuplicateUpdate (several relayers race harmlessly). A certified header conflicting with a held
 * one of the same height is misbehaviour: the client freezes.
 */
export function updateClient(
  ctx: XchainContext,
  call: Extract<XchainCall, { type: 'updateClient' }>,
): Reason {
  const stored = getClient(ctx.state, call.clientId);
  if (stored === undefined) return Reason.UnknownClient;
  const status = statusOf(ctx.state, stored, ctx.time);
  if (status === ClientStatus.Frozen) return Reason.ClientFrozen;
  if (status === ClientStatus.Expired) return Reason.ClientExpired;
  let c: ClientRecord = { ...stored, heights: [...stored.heights] };
  const added = new Map<number, ConsensusRecord>();
  const consensusAt = (h: number): ConsensusRecord | undefined =>
    added.get(h) ?? getConsensus(ctx.state, c.clientId, h);
  for (const part of call.headers) {
    const checked = checkRemoteHeader(c, part, ctx.time);
    if (!checked.ok) return checked.reason;
    const v = checked.value;
    const h = v.header.height;
    const held = consensusAt(h);
    if (held !== undefined) {
      if (held.blockHash === hex(v.blockHash)) continue;
      freeze(ctx, stored, h, null, part, held.blockHash);
      return Reason.None;
    }
    const [lo, hi] = neighbours(c.heights, h);
    const below = lo === undefined ? undefined : consensusAt(lo);
    const above = hi === undefined ? undefined : consensusAt(hi);
    if (below !== undefined && below.time >= v.header.time) return Reason.BadRemoteHeader;
    if (above !== undefined && above.time <= v.header.time) return Reason.BadRemoteHeader;
    const parent = consensusAt(h - 1);
    if (parent !== undefined && parent.blockHash !== hex(v.header.parentHash)) return Reason.BadRemoteHeader;
    if (part.scheduleProof.length > 0 && h > c.provenAt) {
      const merged = provenSchedule(c.schedule, c.provenAt, v.header, part.scheduleProof);
      if (!merged.ok) return merged.reason;
      c = { ...c, schedule: merged.value, provenAt: h };
    }
    added.set(h, consensusOf(c, v));
    c.heights.push(h);
    c.heights.sort((x, y) => x - y);
    c.latestHeight = Math.max(c.latestHeight, h);
  }
  if (added.size === 0) return Reason.DuplicateUpdate;
  for (const [h, cons] of added) ctx.state.put(XK.consensus(c.clientId, h), cons);
  while (c.heights.length > MAX_CONSENSUS_STATES) {
    const oldest = c.heights.shift() as number;
    ctx.state.del(XK.consensus(c.clientId, oldest));
  }
  ctx.state.put(XK.client(c.clientId), c);
  return Reason.None;
}

/** Two certified headers of one height with different hashes freeze the client; the evidence is kept. */
export function submitMisbehaviour(
  ctx: XchainContext,
  call: Extract<XchainCall, { type: 'submitMisbehaviour' }>,
): Reason {
  const c = getClient(ctx.state, call.clientId);
  if (c === undefined) return Reason.UnknownClient;
  if (c.frozenHeight > 0) return Reason.ClientFrozen;
  // Old headers are evidence too: the clock-drift bound is about the future only.
  const a = checkRemoteHeader(c, call.first, ctx.time);
  const b = checkRemoteHeader(c, call.second, ctx.time);
  if (!a.ok || !b.ok) return Reason.NotMisbehaviour;
  if (a.value.header.height !== b.value.header.height) return Reason.NotMisbehaviour;
  if (hex(a.value.blockHash) === hex(b.value.blockHash)) return Reason.NotMisbehaviour;
  freeze(ctx, c, a.value.header.height, call.first, call.second);
  return Reason.None;
}

/**
 * Governance recovery: a frozen or expired subject takes over the trust of an active substitute
 * client of the same remote chain that is ahead of it (its schedule, consensus states and
 * parameters); the subject keeps its ID, its relayers and its misbehaviour evidence.
 */
export function recoverClient(ctx: XchainContext, subjectId: number, substituteId: number): Reason {
  const subject = getClient(ctx.state, subjectId);
  const sub = getClient(ctx.state, substituteId);
  if (subject === undefined || sub === undefined || subjectId === substituteId) return Reason.UnknownClient;
  if (statusOf(ctx.state, subject, ctx.time) === ClientStatus.Active) return Reason.CannotRecover;
  if (statusOf(ctx.state, sub, ctx.time) !== ClientStatus.Active) return Reason.CannotRecover;
  if (sub.chainId !== subject.chainId || sub.latestHeight <= subject.latestHeight)
    return Reason.CannotRecover;
  for (const h of subject.heights) ctx.state.del(XK.consensus(subjectId, h));
  for (const h of sub.heights) {
    const cons = getConsensus(ctx.state, substituteId, h);
    if (cons !== undefined) ctx.state.put(XK.consensus(subjectId, h), cons);
  }
  ctx.state.put(XK.client(subjectId), {
    ...sub,
    clientId: subjectId,
    relayers: subject.relayers,
    heights: [...sub.heights],
    frozenHeight: 0,
    since: ctx.height,
  });
  return Reason.None;
}
