// What `bkdms xchain` prints about a light client: its status judged at a given time (the proving
// header's block time when the read is verified), how long until it expires, and its latest
// consensus state. Pure: records and a time in, a plain object or text lines out.

import type { ClientRecord, ConsensusRecord } from '../ledger/xchain/records.js';
import { clientStatus } from '../ledger/xchain/remote-header.js';

export interface ClientView {
  clientId: number;
  remoteChainId: string;
  status: string;
  latestHeight: number;
  /** Remote block time of the latest consensus state (ISO), when held. */
  latestTime: string | null;
  /** When the client expires without a further update (ISO); null when frozen. */
  expiresAt: string | null;
  /** Milliseconds from `now` to expiry (negative: expired); null when frozen. */
  msToExpiry: number | null;
  trustingPeriodMs: number;
  maxClockDriftMs: number;
  frozenHeight: number;
  relayers: string[];
  consensusStates: number;
  validatorSchedule: { activateAt: number; validators: number }[];
  provenAt: number;
}

export function clientView(c: ClientRecord, latest: ConsensusRecord | undefined, now: number): ClientView {
  const frozen = c.frozenHeight > 0;
  const expiry = latest === undefined ? undefined : latest.time + c.trustingPeriodMs;
  return {
    clientId: c.clientId,
    remoteChainId: c.chainId,
    status: clientStatus(c, latest, now),
    latestHeight: c.latestHeight,
    latestTime: latest === undefined ? null : new Date(latest.time).toISOString(),
    expiresAt: frozen || expiry === undefined ? null : new Date(expiry).toISOString(),
    msToExpiry: frozen || expiry === undefined ? null : expiry - now,
    trustingPeriodMs: c.trustingPeriodMs,
    maxClockDriftMs: c.maxClockDriftMs,
    frozenHeight: c.frozenHeight,
    relayers: [...c.relayers],
    consensusStates: c.heights.length,
    validatorSchedule: c.schedule.map((s) => ({ activateAt: s.activateAt, validators: s.value.length })),
    provenAt: c.provenAt,
  };
}

function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const text =
    s >= 86_400 ? `${(s / 86_400).toFixed(1)} d` : s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${s} s`;
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

/** One line per client: ID, status, remote chain, latest height, expiry. */
export function formatClientLine(v: ClientView): string {
  const expiry =
    v.msToExpiry === null ? `frozen at remote height ${v.frozenHeight}` : `expires ${duration(v.msToExpiry)}`;
  return `client ${v.clientId}  ${v.status.padEnd(7)}  chain ${v.remoteChainId.slice(0, 16)}…  height ${v.latestHeight}  ${expiry}`;
}

export interface StatusSummary {
  clients: number;
  active: number;
  frozen: number;
  expired: number;
  /** Active clients within a third of their trusting period of expiry: a relayer should have updated them. */
  expiringSoon: number[];
}

export function statusSummary(views: readonly ClientView[]): StatusSummary {
  const count = (s: string) => views.filter((v) => v.status === s).length;
  return {
    clients: views.length,
    active: count('Active'),
    frozen: count('Frozen'),
    expired: count('Expired'),
    expiringSoon: views
      .filter(
        (v) => v.status === 'Active' && v.msToExpiry !== null && v.msToExpiry < (2 * v.trustingPeriodMs) / 3,
      )
      .map((v) => v.clientId),
  };
}
