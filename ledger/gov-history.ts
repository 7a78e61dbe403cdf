// Governance history: every proposal that closed (executed, failed at execution, or expired) is
// kept in contract state under the "gov/history/" list group, with its signatories, the call that
// closed it and the membership changes it made. Kept in contract state rather than in a node-side
// index so that every validator writes the same entries in the same block (it is ledger code, run
// by every node and by the platform), the state root commits to it, and a client can read the list
// proven complete from one bucket (GetState "gov/history/"). Bounded: the oldest entries beyond
// HISTORY_LIMIT are deleted, which keeps that bucket, and so a proof of it, small.
import type { GovernanceAction } from '../codec/types.js';
import { keyIdOf } from '../crypto/key-id.js';
import { Reason } from './reasons.js';
import { type AdminsRecord, hex, K, type ProposalRecord, unhex } from './records.js';
import { currentKeyId } from './registry.js';
import { VALIDATORS_KEY, valueAt } from './schedule.js';
import type { ContractState, Json } from './state.js';

/** Closed proposals kept; the oldest beyond it are deleted. Changing it changes the state root. */
export const HISTORY_LIMIT = 128;

export const HISTORY_PREFIX = K.historyPrefix;

/** History key: a 12-digit sequence number, so that string order is closing order. */
export function historyKey(seq: number): string {
  return `${HISTORY_PREFIX}${String(seq).padStart(12, '0')}`;
}

export type Outcome = 'executed' | 'failed' | 'expired';
export type MemberKind = 'validator' | 'admin' | 'site';
export type MemberOp = 'enter' | 'leave' | 'suspend' | 'resume' | 'rotate';

/** One membership change an executed action made, effective from height `at`. */
export interface MemberChange {
  [k: string]: Json;
  kind: MemberKind;
  op: MemberOp;
  /** Validator: public key hex; admin and site: key ID hex. */
  id: string;
  /** rotate: the site's new key ID. */
  to: string | null;
  /** First height the change is in force (setValidators: its activateAt). */
  at: number;
}

export interface HistoryRecord {
  [k: string]: Json;
  /** Proposal ID (hex). */
  id: string;
  action: Json;
  proposer: string;
  /** Key IDs (hex) of the admins who approved, proposer first: the signatories. */
  approvals: string[];
  /** Height of the block that opened the proposal. */
  proposedAt: number;
  expiresAt: number;
  outcome: Outcome;
  /** Height of the block that closed it. */
  height: number;
  /** Tracing code (hex) of the call that closed it; empty for an expiry found by a sweep. */
  closedBy: string;
  /** The receipt's reason (0 when executed). */
  reason: number;
  changes: MemberChange[];
}

/** What a membership diff needs from the state before the action executes. */
export interface Before {
  admins: string[];
  validators: string[];
  /** The current key ID (hex) of the site a site action names (it may name a rotated-out key). */
  site: string;
}

export function before(state: ContractState, a: GovernanceAction): Before {
  return {
    admins: a.type === 'setAdmins' ? (state.get<AdminsRecord>(K.admins)?.admins ?? []) : [],
    validators:
      a.type === 'setValidators' ? (valueAt<string[]>(state, VALIDATORS_KEY, a.activateAt) ?? []) : [],
    site: 'siteKeyId' in a ? currentKeyId(state, hex(a.siteKeyId)) : '',
  };
}

function diff(kind: MemberKind, from: string[], to: string[], at: number): MemberChange[] {
  const a = new Set(from);
  const b = new Set(to);
  return [
    ...to.filter((x) => !a.has(x)).map((id) => ({ kind, op: 'enter' as const, id, to: null, at })),
    ...from.filter((x) => !b.has(x)).map((id) => ({ kind, op: 'leave' as const, id, to: null, at })),
  ];
}

const adminId = (pubHex: string): string => hex(keyIdOf(unhex(pubHex)));

/** The membership changes of an action that executed at `height`. */
export function changesOf(a: GovernanceAction, b: Before, height: number): MemberChange[] {
  const site = (op: MemberOp, id: string, to: string | null = null): MemberChange[] => [
    { kind: 'site', op, id, to, at: height },
  ];
  switch (a.type) {
    case 'registerSite':
      return site('enter', hex(keyIdOf(a.publicKey)));
    case 'suspendSite':
      return site('suspend', b.site);
    case 'resumeSite':
      return site('resume', b.site);
    case 'revokeSite':
      return site('leave', b.site);
    case 'rotateSiteKey':
      return site('rotate', b.site, hex(keyIdOf(a.newPublicKey)));
    case 'setAdmins':
      return diff(
        'admin',
        b.admins.map(adminId),
        a.admins.map((k) => hex(keyIdOf(k))),
        height,
      );
    case 'setValidators':
      return diff(
        'validator',
        b.validators,
        a.validators.map((v) => hex(v.publicKey)),
        a.activateAt,
      );
    default:
      return [];
  }
}

/** Appends a closed proposal to the history, deleting the oldest beyond HISTORY_LIMIT. */
export function record(state: ContractState, r: HistoryRecord): void {
  const keys = state.keys(HISTORY_PREFIX);
  const last = keys[keys.length - 1];
  const seq = last === undefined ? 1 : Number(last.slice(HISTORY_PREFIX.length)) + 1;
  state.put(historyKey(seq), r);
  for (const k of keys.slice(0, Math.max(0, keys.length + 1 - HISTORY_LIMIT))) state.del(k);
}

export interface Closing {
  id: string;
  p: ProposalRecord;
  outcome: Outcome;
  height: number;
  closedBy: string;
  reason: Reason;
  changes: MemberChange[];
}

/** Deletes the open proposal and records how it closed. */
export function close(state: ContractState, c: Closing): void {
  state.del(K.proposal(c.id));
  record(state, {
    id: c.id,
    action: c.p.action,
    proposer: c.p.proposer,
    approvals: c.p.approvals,
    proposedAt: c.p.height,
    expiresAt: c.p.expiresAt,
    outcome: c.outcome,
    height: c.height,
    closedBy: c.closedBy,
    reason: c.reason,
    changes: c.changes,
  });
}

/** Closes every open proposal whose expiry has passed at block time `time`, as expired. */
export function sweepExpired(state: ContractState, time: number, height: number): void {
  for (const k of state.keys(K.proposal(''))) {
    const p = state.get<ProposalRecord>(k);
    if (p === undefined || !(time > p.expiresAt)) continue;
    const id = k.slice(K.proposal('').length);
    close(state, {
      id,
      p,
      outcome: 'expired',
      height,
      closedBy: '',
      reason: Reason.ProposalExpired,
      changes: [],
    });
  }
}
