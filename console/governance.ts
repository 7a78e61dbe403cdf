// The governance contract as the console shows it: administrators and their threshold, the
// validator set and chain parameters with their scheduled changes, open proposals (who approved,
// who is missing) and the closed ones of the on-chain history. Each of the five reads carries its
// proof status (console/proven-reads.ts: proven against the console's genesis by the node named,
// or why not), which the page shows beside the item. Pure functions of the state entries, so they
// are tested without a node.
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
import type { ItemProof } from './proven-reads.js';

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

/** The five reads of the governance page, each proven (or not) on its own. */
export type GovernanceItem = 'admins' | 'params' | 'validators' | 'open' | 'closed';

export interface GovernanceView {
  /** The state read is the one after this block (the oldest of the five reads shown). */
  height: number;
  /** Whether the console has a trust anchor to prove reads against (--genesis). */
  anchored: boolean;
  /** Per item: proven or not, by which node, which nodes were refused. */
  proofs: Record<GovernanceItem, ItemProof>;
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

/** What GovernanceView needs: GetState of a key or a group, with its proof status. */
export type StateRead = (
  key: string,
) => Promise<{ entries: StateEntryView[]; height: number; proof?: ItemProof }>;

const UNPROVEN: ItemProof = { verified: false, refused: [] };

export async function readGovernance(
  read: StateRead,
  now: number,
  anchored = false,
): Promise<GovernanceView> {
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
  // An item nothing is shown for (height -1) does not date the page.
  const shown = [admins, params, validators].map((r) => r.height).filter((h) => h >= 0);
  const height = shown.length === 0 ? -1 : Math.min(...shown);
  return {
    height,
    anchored,
    proofs: {
      admins: admins.proof ?? UNPROVEN,
      params: params.proof ?? UNPROVEN,
      validators: validators.proof ?? UNPROVEN,
      open: open.proof ?? UNPROVEN,
      closed: closed.proof ?? UNPROVEN,
    },
    admins: (adminRecord?.admins ?? []).map((k) => ({ publicKey: k, keyId: adminKeyIdOf(k) })),
    threshold: adminRecord?.threshold ?? 0,
    validators: markCurrent(one<Scheduled<string[]>[]>(validators) ?? [], height),
    params: markCurrent(one<Scheduled<ParamsJson>[]>(params) ?? [], height),
    open: proposalViews(open.entries, adminRecord, now),
    closed: closedViews(closed.entries),
  };
}
