// Dialing a peer and knowing the connection was kept. A remote gater refuses a connection only
// after the handshake, so a dial can resolve and the connection close a moment later; the
// identify exchange that libp2p runs on every new connection is the proof it was accepted.
//
// The deadline, a refusal and identify can each happen while the dial itself is still pending
// (a peer that accepts TCP and never answers keeps it pending until the deadline). So the outcome
// is recorded, never thrown from an event handler: the one promise that waits for identify only
// resolves, and every failure reaches the caller as one typed rejection of this function. The
// deadline aborts the pending dial, and the timer and listeners go with the call on every path.
import type { Connection, IdentifyResult, Libp2p } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { P2PError, P2PErrorCode } from './errors.js';

/**
 * Dials `addr` and resolves once the peer has identified over it. `identified` says whether an
 * open connection to the peer already passed identify (then there is nothing to wait for).
 * Rejects with TIMEOUT when the peer has not identified within `ms` (the dial is aborted, a
 * connection without identify is closed) and UNREACHABLE when the dial fails or the remote closes
 * the connection (refused).
 */
export async function dialConfirmed(
  host: Pick<Libp2p, 'dial' | 'getConnections' | 'addEventListener' | 'removeEventListener'>,
  addr: Multiaddr,
  peerId: string,
  ms: number,
  identified: (peerId: string) => boolean,
): Promise<void> {
  const isPeer = (c: Connection): boolean => c.remotePeer.toString() === peerId;
  if (identified(peerId) && host.getConnections().some(isPeer)) return;
  const ac = new AbortController();
  let outcome: 'identified' | P2PError | undefined;
  let decided: () => void = () => {};
  const decision = new Promise<void>((resolve) => {
    decided = resolve;
  });
  const decide = (o: 'identified' | P2PError): void => {
    if (outcome !== undefined) return;
    outcome = o;
    if (o !== 'identified') ac.abort(o);
    decided();
  };
  const onIdentify = (ev: CustomEvent<IdentifyResult>): void => {
    if (ev.detail.peerId.toString() === peerId) decide('identified');
  };
  const onClose = (ev: CustomEvent<Connection>): void => {
    if (isPeer(ev.detail) && !host.getConnections().some(isPeer))
      decide(
        new P2PError(P2PErrorCode.Unreachable, 'connection closed by the remote (refused)', { peer: peerId }),
      );
  };
  const timer = setTimeout(
    () => decide(new P2PError(P2PErrorCode.Timeout, `no identify within ${ms} ms`, { peer: peerId, ms })),
    ms,
  );
  host.addEventListener('peer:identify', onIdentify);
  host.addEventListener('connection:close', onClose);
  try {
    let conn: Connection;
    try {
      conn = await host.dial(addr, { signal: ac.signal });
    } catch (err) {
      // Our own abort (deadline, refusal) says more than the dial's AbortError.
      if (outcome instanceof P2PError) throw outcome;
      throw new P2PError(P2PErrorCode.Unreachable, `dial failed: ${(err as Error)?.message ?? String(err)}`, {
        peer: peerId,
      });
    }
    await decision;
    if (outcome instanceof P2PError) {
      // Identify never came over it: do not keep a connection the peer may not have accepted
      // (libp2p bounds a graceful close and aborts the connection past it).
      await conn.close().catch(() => undefined);
      throw outcome;
    }
  } finally {
    clearTimeout(timer);
    host.removeEventListener('peer:identify', onIdentify);
    host.removeEventListener('connection:close', onClose);
  }
}
