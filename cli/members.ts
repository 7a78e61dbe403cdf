// Membership over time for `bkdms chain members`: validators from their activation schedule (kept
// in full in contract state, so exact from genesis), administrators and sites from the membership
// changes of executed proposals in the governance history (bounded: complete only while the
// history still holds its first entry), and the genesis members when the genesis file is given.
import { toHex } from '../crypto/bytes.js';
import { keyIdOf } from '../crypto/key-id.js';
import type { HistoryRecord, MemberKind, MemberOp } from '../ledger/gov-history.js';
import { historyKey } from '../ledger/gov-history.js';
import type { Scheduled } from '../ledger/records.js';
import type { Genesis } from '../node/genesis.js';

export interface MemberEvent {
  /** First height the change is in force. */
  height: number;
  kind: MemberKind;
  op: MemberOp;
  id: string;
  to?: string;
  /** Where it is known from. */
  source: 'genesis' | 'validator-schedule' | 'history';
  /** The proposal that made it (history only). */
  proposal?: string;
}

export interface Membership {
  events: MemberEvent[];
  /** False when the history has dropped its oldest entries: admin and site events before them are missing. */
  historyComplete: boolean;
  /** Sites not revoked, when known exactly (genesis given and history complete). */
  sitesCount: number | null;
}

export function membership(
  validators: readonly Scheduled<string[]>[],
  history: readonly { key: string; record: HistoryRecord }[],
  genesis: Genesis | undefined,
): Membership {
  const events: MemberEvent[] = [];
  let prev: string[] = [];
  for (const s of validators) {
    const now = new Set(s.value);
    const was = new Set(prev);
    for (const v of s.value)
      if (!was.has(v))
        events.push({
          height: s.activateAt,
          kind: 'validator',
          op: 'enter',
          id: v,
          source: 'validator-schedule',
        });
    for (const v of prev)
      if (!now.has(v))
        events.push({
          height: s.activateAt,
          kind: 'validator',
          op: 'leave',
          id: v,
          source: 'validator-schedule',
        });
    prev = s.value;
  }
  if (genesis !== undefined) {
    for (const a of genesis.admins)
      events.push({ height: 0, kind: 'admin', op: 'enter', id: toHex(keyIdOf(a)), source: 'genesis' });
    for (const s of genesis.sites)
      events.push({
        height: 0,
        kind: 'site',
        op: 'enter',
        id: toHex(keyIdOf(s.publicKey)),
        source: 'genesis',
      });
  }
  for (const { record } of history)
    for (const c of record.changes)
      if (c.kind !== 'validator')
        events.push({
          height: c.at,
          kind: c.kind,
          op: c.op,
          id: c.id,
          ...(c.to ? { to: c.to } : {}),
          source: 'history',
          proposal: record.id,
        });
  events.sort((a, b) => a.height - b.height);
  const historyComplete = history.length === 0 || history[0]?.key === historyKey(1);
  let sitesCount: number | null = null;
  if (genesis !== undefined && historyComplete) {
    sitesCount = 0;
    for (const e of events)
      if (e.kind === 'site') sitesCount += e.op === 'enter' ? 1 : e.op === 'leave' ? -1 : 0;
  }
  return { events, historyComplete, sitesCount };
}
