// Dialing a peer and knowing the connection was kept. A remote gater refuses a connection only
// after the handshake, so a dial can resolve and the connection close a moment later; the
// identify exchange that libp2p runs on every new connection is the proof it was accepted.
import type { Connection, IdentifyResult, Libp2p } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';

/**
 * Dials `addr` and resolves once the peer has identified over it. `identified` says whether an
 * open connection to the peer already passed identify (then there is nothing to wait for).
 */
export async function dialConfirmed(
  host: Libp2p,
  addr: Multiaddr,
  peerId: string,
  ms: number,
  identified: (peerId: string) => boolean,
): Promise<void> {
  const signal = AbortSignal.timeout(ms);
  const isPeer = (c: Connection): boolean => c.remotePeer.toString() === peerId;
  if (identified(peerId) && host.getConnections().some(isPeer)) return;
  let settle: (err?: Error) => void = () => {};
  const confirmed = new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });
  const onIdentify = (ev: CustomEvent<IdentifyResult>): void => {
    if (ev.detail.peerId.toString() === peerId) settle();
  };
  const onClose = (ev: CustomEvent<Connection>): void => {
    if (isPeer(ev.detail) && !host.getConnections().some(isPeer))
      settle(new Error('connection closed by the remote (refused)'));
  };
  const onAbort = (): void => settle(new Error(`no identify within ${ms} ms`));
  host.addEventListener('peer:identify', onIdentify);
  host.addEventListener('connection:close', onClose);
  signal.addEventListener('abort', onAbort);
  try {
    const conn = await host.dial(addr, { signal });
    try {
      await confirmed;
    } catch (err) {
      await conn.close().catch(() => {});
      throw err;
    }
  } finally {
    host.removeEventListener('peer:identify', onIdentify);
    host.removeEventListener('connection:close', onClose);
    signal.removeEventListener('abort', onAbort);
  }
}
