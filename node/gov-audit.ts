// Governance auditing on the node: after each committed block that carried a contract call, the
// proposals it opened and closed and the membership changes it made (validators, admins, sites)
// are read from the contract state the block left (the history group, ledger/gov-history.ts) and
// turned into node events, `audit` log lines at info and counters. Read from state rather than
// re-derived from envelopes, so the node reports exactly what every validator executed.

import { envelopeKind } from '../codec/envelope-view.js';
import type { Block } from '../codec/types.js';
import { EnvelopeKind } from '../codec/types.js';
import { HISTORY_PREFIX, type HistoryRecord, type MemberChange } from '../ledger/gov-history.js';
import { K, type ProposalRecord } from '../ledger/records.js';
import type { ContractState } from '../ledger/state.js';
import type { Logger } from '../runtime/log.js';
import type { NodeMetrics } from './mgmt/metrics.js';

export type GovernanceEvent =
  | { type: 'proposed'; height: number; proposal: string; action: string; proposer: string }
  | {
      type: 'closed';
      height: number;
      proposal: string;
      action: string;
      outcome: HistoryRecord['outcome'];
      approvals: string[];
    }
  | ({
      type: 'membership';
      height: number;
      proposal: string /** Block time, UTC ms. */;
      time: number;
    } & MemberChange);

export type GovernanceListener = (e: GovernanceEvent) => void;

/** Bound on listeners: a leak in an embedding program shows as an error, not as growing memory. */
const MAX_LISTENERS = 64;

const actionType = (a: unknown): string => (a as { type: string }).type;

export class GovernanceAudit {
  private readonly listeners: GovernanceListener[] = [];
  private lastHistory: string;

  constructor(
    private readonly d: {
      state: ContractState;
      log: Logger;
      metrics: Pick<NodeMetrics, 'governance' | 'membershipChanges'>;
    },
  ) {
    // History entries already there at start were reported by an earlier run.
    this.lastHistory = d.state.keys(HISTORY_PREFIX).at(-1) ?? '';
  }

  on(listener: GovernanceListener): () => void {
    if (this.listeners.length >= MAX_LISTENERS) throw new Error('too many governance listeners');
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(e: GovernanceEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Called after each committed block, with the state that block left. */
  committed(block: Block): void {
    if (!block.envelopes.some(isCall)) return;
    const height = block.header.height;
    const closed = this.d.state
      .keys(HISTORY_PREFIX)
      .filter((k) => k > this.lastHistory)
      .map((k) => this.d.state.get<HistoryRecord>(k) as HistoryRecord);
    const opened = this.d.state
      .keys(K.proposal(''))
      .map(
        (k) =>
          [k.slice(K.proposal('').length), this.d.state.get<ProposalRecord>(k) as ProposalRecord] as const,
      )
      .filter(([, p]) => p.height === height);
    for (const [id, p] of opened) this.proposed(height, id, actionType(p.action), p.proposer);
    for (const r of closed) {
      // Opened and closed in this block (a threshold met at once) still counts as proposed.
      if (r.proposedAt === height) this.proposed(height, r.id, actionType(r.action), r.proposer);
      this.close(r, block.header.time);
    }
    this.lastHistory = this.d.state.keys(HISTORY_PREFIX).at(-1) ?? this.lastHistory;
  }

  private proposed(height: number, proposal: string, action: string, proposer: string): void {
    this.d.metrics.governance.inc({ action, outcome: 'proposed' });
    this.d.log.info({ height, proposal, action, proposer }, 'governance proposal opened');
    this.emit({ type: 'proposed', height, proposal, action, proposer });
  }

  private close(r: HistoryRecord, time: number): void {
    const action = actionType(r.action);
    this.d.metrics.governance.inc({ action, outcome: r.outcome });
    this.d.log.info(
      {
        height: r.height,
        proposal: r.id,
        action,
        outcome: r.outcome,
        reason: r.reason,
        approvals: r.approvals,
      },
      `governance proposal ${r.outcome}`,
    );
    this.emit({
      type: 'closed',
      height: r.height,
      proposal: r.id,
      action,
      outcome: r.outcome,
      approvals: r.approvals,
    });
    for (const c of r.changes) {
      this.d.metrics.membershipChanges.inc({ kind: c.kind, op: c.op });
      this.d.log.info({ height: r.height, proposal: r.id, ...c }, `membership change: ${c.kind} ${c.op}`);
      this.emit({ type: 'membership', height: r.height, proposal: r.id, time, ...c });
    }
  }
}

function isCall(e: Uint8Array): boolean {
  try {
    return envelopeKind(e) === EnvelopeKind.ContractCall;
  } catch {
    return false;
  }
}
