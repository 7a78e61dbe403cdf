// Opening and serving one-shot streams with a deadline: every exchange on a stream protocol
// either finishes in time or the stream is aborted, so no handler or caller waits forever on a
// silent peer. Library errors are turned into P2PError codes here, in one place.
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';

/** Runs `fn` on `stream`; aborts the stream with TIMEOUT if it takes longer than `ms`. */
export async function withDeadline<T>(stream: Stream, ms: number, fn: (s: Stream) => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stream.abort(new P2PError(P2PErrorCode.Timeout, 'stream deadline passed', { ms }));
  }, ms);
  try {
    return await fn(stream);
  } catch (err) {
    if (timedOut) throw new P2PError(P2PErrorCode.Timeout, 'stream deadline passed', { ms });
    throw asP2PError(err);
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a stream of `protocol` to `peer` (dialing if needed) within `ms`. */
export async function openStream(
  libp2p: Libp2p,
  peer: PeerId,
  protocol: string,
  ms: number,
): Promise<Stream> {
  const signal = AbortSignal.timeout(ms);
  try {
    // Optimistic protocol selection: the request rides with the negotiation, saving a round trip.
    return await libp2p.dialProtocol(peer, protocol, { signal, negotiateFully: false });
  } catch (err) {
    if (signal.aborted) throw new P2PError(P2PErrorCode.Timeout, 'opening the stream timed out', { ms });
    throw new P2PError(P2PErrorCode.Unreachable, `cannot open ${protocol}: ${(err as Error).message}`, {
      peer: peer.toString(),
    });
  }
}

function asP2PError(err: unknown): P2PError {
  if (err instanceof P2PError) return err;
  return new P2PError(P2PErrorCode.Unreachable, `stream failed: ${(err as Error).message ?? String(err)}`);
}
