// One row per link for the management plane (ListPeers, WatchNode): every open connection with its
// direction, age, bytes and round-trip time, then every configured peer without one (dialing, down
// or refused by a gater). Read from the libp2p host and the bookkeeping of traffic.ts, pinger.ts,
// redialer.ts and the gater; nothing here is kept on the hot path.
import type { Connection } from '@libp2p/interface';
import type { AllowList } from './allow-list.js';
import type { Host } from './host.js';
import type { Pinger, Rtt } from './pinger.js';
import type { Redialer } from './redialer.js';
import { addressKey, type TrafficMeter } from './traffic.js';

export type LinkState = 'connected' | 'dialing' | 'down' | 'refused';

export interface PeerLinkStats {
  peerId: string;
  /** Index in the validator set; undefined for an observer or a stranger. */
  validatorIndex: number | undefined;
  state: LinkState;
  direction?: 'inbound' | 'outbound';
  remoteAddress: string;
  /** When the connection opened (ms since the epoch). */
  openedAt?: number;
  bytesSent: number;
  bytesReceived: number;
  rtt?: Rtt;
  /** A peer of the node's config (p2p.peers). */
  configured: boolean;
}

/** Peers refused by our gater, remembered at most (the newest win). */
const MAX_REFUSED = 256;
/** A refusal older than this no longer marks a configured peer as refused. */
export const REFUSAL_MEMORY_MS = 60_000;

/** When our gater last refused each peer. */
export class Refusals {
  private readonly at = new Map<string, number>();

  note(peerId: string, now = Date.now()): void {
    this.at.delete(peerId);
    this.at.set(peerId, now);
    if (this.at.size > MAX_REFUSED) this.at.delete(this.at.keys().next().value!);
  }

  recent(peerId: string, now = Date.now()): boolean {
    const t = this.at.get(peerId);
    return t !== undefined && now - t < REFUSAL_MEMORY_MS;
  }
}

export interface LinkSources {
  host: Host | undefined;
  allow: AllowList;
  traffic: TrafficMeter;
  pinger: Pinger;
  redialer: Redialer;
  refusals: Refusals;
}

/** The open connection that carries a peer's traffic: the oldest open one. */
function primary(conns: Connection[]): Connection | undefined {
  return conns.filter((c) => c.status === 'open').sort((a, b) => a.timeline.open - b.timeline.open)[0];
}

export function peerLinks(s: LinkSources): PeerLinkStats[] {
  const targets = s.redialer.targetStates();
  const configured = new Set(targets.map((t) => t.peerId));
  const rows: PeerLinkStats[] = [];
  const seen = new Set<string>();
  for (const peer of s.host?.getPeers() ?? []) {
    const id = peer.toString();
    const conn = primary(s.host!.getConnections(peer));
    if (conn === undefined) continue;
    seen.add(id);
    // Bytes over every open connection to the peer (two may be open after simultaneous dials).
    const traffic = { sent: 0, received: 0 };
    for (const c of s.host!.getConnections(peer)) {
      const t = s.traffic.of(c.remoteAddr);
      traffic.sent += t.sent;
      traffic.received += t.received;
    }
    rows.push({
      peerId: id,
      validatorIndex: s.allow.indexOf(id),
      state: 'connected',
      direction: conn.direction,
      remoteAddress: addressKey(conn.remoteAddr),
      openedAt: conn.timeline.open,
      bytesSent: traffic.sent,
      bytesReceived: traffic.received,
      rtt: s.pinger.rttOf(id),
      configured: configured.has(id),
    });
  }
  s.traffic.prune();
  for (const t of targets) {
    if (seen.has(t.peerId)) continue;
    const refused = !s.allow.isAllowed(t.peerId) || s.refusals.recent(t.peerId);
    rows.push({
      peerId: t.peerId,
      validatorIndex: s.allow.indexOf(t.peerId),
      state: refused ? 'refused' : t.dialing ? 'dialing' : 'down',
      remoteAddress: addressKey(t.addr),
      bytesSent: 0,
      bytesReceived: 0,
      configured: true,
    });
  }
  return rows;
}
