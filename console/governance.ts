// The governance contract as the console shows it: administrators and their threshold, the
// validator set and chain parameters with their scheduled changes, open proposals (who approved,
// who is missing) and the closed ones of the on-chain history. Read with GetState from one node,
// unproven: the console is a viewer (`bkdms gov list --genesis` proves the same reads). Pure
// functions of the state entries, so they are tested without a node.
import { parseJson } from '../api/state-values.js';
import type { StateEntryView } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';
import { keyIdOf } from '../crypto/key-id.js';
import type { HistoryRecord } from '../ledger/gov-history.js';
import { Reason } from '../ledger/reasons.js';
import {
  type AdminsRecord,
  K,
  type ParamsJson,
  type ProposalRecord,
  type Scheduled,
} from '../ledger/records.js';

export interface ProposalView {
  id: string;
  type: string;
  action: unknown;
  proposer: string;
  approvals: string[];
  /** Current admins (key IDs) who have not approved. */
  missing: string[];
  /** Approvals still needed to reach the threshold. */
  needed: number;
  proposedAt: number;
  expiresAt: number;
  /** Past its expiry (closed as expired by the next governance call). */
  expired: boolean;
}

export interface ClosedView {
  id: string;
  type: string;
  outcome: string;
  reason: string;
  height: number;
  proposedAt: number;
  proposer: string;
  approvals: string[];
  changes: HistoryRecord['changes'];
}

export interface Activation<T> {
  activateAt: number;
  value: T;
  current: boolean;
}

export interface GovernanceView {
  /** The state read is the one after this block. */
  height: number;
  admins: { publicKey: string; keyId: string }[];
  threshold: number;
  /** Every activation of the validator set, ascending; `current` is the one in force at `height`. */
  validators: Activation<string[]>[];
  params: Activation<ParamsJson>[];
  open: ProposalView[];
  closed: ClosedView[];
  /** Whether the console holds an administrator key (actions), and that key's ID. */
  adminKeyId?: string;
}

export const adminKeyIdOf = (publicKeyHex: string): string =>
  toHex(keyIdOf(Buffer.from(publicKeyHex, 'hex')));

/** Marks the activation in force at `height`: the last one at or below it. */
export function markCurrent<T>(
  list: readonly { activateAt: number; value: T }[],
  height: number,
): Activation<T>[] {
  let at = -1;
  list.forEach((s, i) => {
    if (s.activateAt <= height) at = i;
  });
  return list.map((s, i) => ({ ...s, current: i === at }));
}

export function proposalViews(
  entries: readonly StateEntryView[],
  admins: AdminsRecord | undefined,
  now: number,
): ProposalView[] {
  const ids = (admins?.admins ?? []).map(adminKeyIdOf);
  const threshold = admins?.threshold ?? 0;
  return entries.map((e) => {
    const p = parseJson<ProposalRecord>(e.value);
    const counted = p.approvals.filter((a) => ids.includes(a)).length;
    return {
      id: e.key.slice(K.proposal('').length),
      type: (p.action as { type: string }).type,
      action: p.action,
      proposer: p.proposer,
      approvals: p.approvals,
      missing: ids.filter((a) => !p.approvals.includes(a)),
      needed: Math.max(0, threshold - counted),
      proposedAt: p.height,
      expiresAt: p.expiresAt,
      expired: now > p.expiresAt,
    };
  });
}

/** Closed proposals, newest first. */
export function closedViews(entries: readonly StateEntryView[]): ClosedView[] {
  return entries
    .map((e) => {
      const r = parseJson<HistoryRecord>(e.value);
      return {
        id: r.id,
        type: (r.action as { type: string }).type,
        outcome: r.outcome,
        reason: r.outcome === 'executed' ? '' : (Reason[r.reason] ?? String(r.reason)),
        height: r.height,
        proposedAt: r.proposedAt,
        proposer: r.proposer,
        approvals: r.approvals,
        changes: r.changes,
      };
    })
    .reverse();
}

/** What GovernanceView needs from a node: GetState of a key or a group. */
export type StateRead = (key: string) => Promise<{ entries: StateEntryView[]; height: number }>;

export async function readGovernance(read: StateRead, now: number): Promise<GovernanceView> {
  const [admins, params, validators, open, closed] = await Promise.all([
    read(K.admins),
    read(K.params),
    read(K.validators),
    read(K.proposal('')),
    read(K.historyPrefix),
  ]);
  const one = <T>(r: { entries: StateEntryView[] }): T | undefined => {
    const e = r.entries[0];
    return e === undefined ? undefined : parseJson<T>(e.value);
  };
  const adminRecord = one<AdminsRecord>(admins);
  const height = Math.min(admins.height, params.height, validators.height);
  return {
    height,
    admins: (adminRecord?.admins ?? []).map((k) => ({ publicKey: k, keyId: adminKeyIdOf(k) })),
    threshold: adminRecord?.threshold ?? 0,
    validators: markCurrent(one<Scheduled<string[]>[]>(validators) ?? [], height),
    params: markCurrent(one<Scheduled<ParamsJson>[]>(params) ?? [], height),
    open: proposalViews(open.entries, adminRecord, now),
    closed: closedViews(closed.entries),
  };
}
