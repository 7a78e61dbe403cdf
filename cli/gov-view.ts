// What `bkdms gov` prints: open proposals with who approved and who is still missing, and closed
// proposals from the on-chain history (ledger/gov-history.ts). Pure: the state read in, views out.
import { parseJson } from '../api/state-values.js';
import type { StateEntryView } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';
import { keyIdOf } from '../crypto/key-id.js';
import type { HistoryRecord } from '../ledger/gov-history.js';
import { Reason } from '../ledger/reasons.js';
import type { AdminsRecord, ProposalRecord } from '../ledger/records.js';

export interface OpenProposal {
  id: string;
  action: string;
  proposer: string;
  approvals: string[];
  /** Current admins (key IDs) who have not approved. */
  missing: string[];
  /** Approvals still needed to reach the threshold. */
  needed: number;
  threshold: number;
  proposedAt: number;
  expiresAt: string;
  /** Past its expiry at the time judged by (closed as expired by the next governance call). */
  expired: boolean;
  detail: unknown;
}

export type ClosedProposal = HistoryRecord & {
  /** The action's type. */
  type: string;
  reasonName: string;
};

export function adminIds(admins: AdminsRecord | undefined): string[] {
  return (admins?.admins ?? []).map((k) => toHex(keyIdOf(Buffer.from(k, 'hex'))));
}

export function openProposals(
  entries: readonly StateEntryView[],
  admins: AdminsRecord | undefined,
  now: number,
): OpenProposal[] {
  const ids = adminIds(admins);
  const threshold = admins?.threshold ?? 0;
  return entries.map((e) => {
    const p = parseJson<ProposalRecord>(e.value);
    const counted = p.approvals.filter((a) => ids.includes(a)).length;
    const action = p.action as { type: string };
    return {
      id: e.key.slice('gov/proposal/'.length),
      action: action.type,
      proposer: p.proposer,
      approvals: p.approvals,
      missing: ids.filter((a) => !p.approvals.includes(a)),
      needed: Math.max(0, threshold - counted),
      threshold,
      proposedAt: p.height,
      expiresAt: new Date(p.expiresAt).toISOString(),
      expired: now > p.expiresAt,
      detail: p.action,
    };
  });
}

export function closedProposals(entries: readonly StateEntryView[]): ClosedProposal[] {
  return entries.map((e) => {
    const r = parseJson<HistoryRecord>(e.value);
    return {
      ...r,
      type: (r.action as { type: string }).type,
      reasonName: Reason[r.reason] ?? String(r.reason),
    };
  });
}

export function formatOpen(ps: readonly OpenProposal[]): string {
  if (ps.length === 0) return 'no open proposals';
  return ps
    .map(
      (p) =>
        `${p.id}  ${p.action}${p.expired ? '  (expired)' : ''}\n` +
        `  proposer ${p.proposer} at height ${p.proposedAt}, expires ${p.expiresAt}\n` +
        `  approvals ${p.approvals.length} (${p.approvals.join(', ')}); ${p.needed} more of ${p.threshold} needed\n` +
        `  missing ${p.missing.length === 0 ? '-' : p.missing.join(', ')}`,
    )
    .join('\n');
}

export function formatClosed(rs: readonly ClosedProposal[]): string {
  if (rs.length === 0) return 'no closed proposals in the history';
  return rs
    .map(
      (r) =>
        `${r.id}  ${r.type}  ${r.outcome}${r.outcome === 'executed' ? '' : ` (${r.reasonName})`} at height ${r.height}\n` +
        `  proposed at ${r.proposedAt} by ${r.proposer}; signatories ${r.approvals.join(', ')}\n` +
        `  closed by ${r.closedBy === '' ? '(expiry sweep)' : r.closedBy}` +
        (r.changes.length === 0
          ? ''
          : `\n  changes ${r.changes.map((c) => `${c.kind} ${c.op} ${c.id}${c.to ? ` -> ${c.to}` : ''} from ${c.at}`).join('; ')}`),
    )
    .join('\n');
}
