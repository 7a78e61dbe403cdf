// Request/response over streams, for state transfer and anything point to point: one stream per
// exchange, one length-prefixed frame each way. The response frame starts with a status byte so
// a refusal (rate limit, busy, no handler, handler failure) arrives as a typed error, not a hang.
import type { IncomingStreamData, Libp2p, PeerId } from '@libp2p/interface';
import type { AllowList } from './allow-list.js';
import { P2PError, P2PErrorCode } from './errors.js';
import { frameOf, readFrame } from './frame.js';
import type { PeerRateLimiter } from './rate-limit.js';
import { openStream, withDeadline } from './stream-io.js';

/** Answers one request; throwing sends REMOTE_ERROR with the message to the requester. */
export type RequestHandler = (
  from: { peerId: string; validatorIndex: number | undefined },
  request: Uint8Array,
) => Promise<Uint8Array>;

export interface RequestLimits {
  maxRequestBytes: number;
  maxResponseBytes: number;
  timeoutMs: number;
  maxInflight: number;
}

enum Status {
  Ok = 0,
  HandlerError = 1,
  RateLimited = 2,
  Busy = 3,
  NoHandler = 4,
  /** The request was over the server's cap; its body was not read. */
  TooLarge = 5,
}

const refusals: Record<Exclude<Status, Status.Ok>, P2PErrorCode> = {
  [Status.HandlerError]: P2PErrorCode.RemoteError,
  [Status.RateLimited]: P2PErrorCode.RateLimited,
  [Status.Busy]: P2PErrorCode.Busy,
  [Status.NoHandler]: P2PErrorCode.RemoteError,
  [Status.TooLarge]: P2PErrorCode.Oversized,
};

export class RequestResponse {
  /** Handlers by the first byte of the request: each kind of exchange owns the bytes it starts with. */
  private readonly handlers = new Map<number, RequestHandler>();
  private inflight = 0;

  constructor(
    private readonly protocol: string,
    private readonly allow: AllowList,
    private readonly limiter: PeerRateLimiter,
    private readonly limits: RequestLimits,
  ) {}

  /**
   * Serves the requests whose first byte is one of `firstBytes` (proposal bodies start with the
   * wire version, snapshot requests with their kind). Two handlers may not claim the same byte.
   */
  setHandler(firstBytes: readonly number[], handler: RequestHandler): void {
    const taken = firstBytes.filter((b) => this.handlers.has(b));
    if (taken.length > 0) throw new Error(`request first byte(s) ${taken.join(', ')} already handled`);
    for (const b of firstBytes) this.handlers.set(b, handler);
  }

  /**
   * Sends `request` to `peer` and resolves with its response, or throws a P2PError. `maxBytes`
   * lowers the response cap for this call (a snapshot chunk's length is known in advance): a
   * longer response fails OVERSIZED before its body is buffered.
   */
  async request(
    libp2p: Libp2p,
    peer: PeerId,
    request: Uint8Array,
    timeoutMs?: number,
    maxBytes?: number,
  ): Promise<Uint8Array> {
    const ms = timeoutMs ?? this.limits.timeoutMs;
    const frame = frameOf([request], this.limits.maxRequestBytes);
    const stream = await openStream(libp2p, peer, this.protocol, ms);
    const answer = await withDeadline(stream, ms, async (s) => {
      await s.sink(frame);
      return readFrame(s.source, Math.min(this.limits.maxResponseBytes, maxBytes ?? Infinity) + 1);
    });
    const status = answer[0];
    const body = answer.subarray(1);
    if (status === Status.Ok) return body;
    if (status === undefined || !(status in refusals))
      throw new P2PError(P2PErrorCode.BadFrame, 'response without a known status', { status: status ?? -1 });
    const code = refusals[status as Exclude<Status, Status.Ok>];
    throw new P2PError(code, `peer refused: ${new TextDecoder().decode(body)}`, { peer: peer.toString() });
  }

  /** The libp2p stream handler of the protocol. */
  readonly serve = async ({ stream, connection }: IncomingStreamData): Promise<void> => {
    const peerId = connection.remotePeer.toString();
    if (!this.allow.isAllowed(peerId)) {
      stream.abort(new P2PError(P2PErrorCode.NotAllowed, 'peer not allowed'));
      return;
    }
    try {
      await withDeadline(stream, this.limits.timeoutMs, async (s) => {
        const [status, body] = await readFrame(s.source, this.limits.maxRequestBytes).then(
          (request) => this.answer(peerId, request),
          (err) => refuseOversized(err, this.limits.maxRequestBytes),
        );
        await s.sink(frameOf([Uint8Array.of(status), body], this.limits.maxResponseBytes + 1));
      });
    } catch (err) {
      stream.abort(err as Error);
    }
  };

  private async answer(peerId: string, request: Uint8Array): Promise<[Status, Uint8Array]> {
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    if (!this.limiter.allow(peerId)) return [Status.RateLimited, text('request rate exceeded')];
    const handler = this.handlers.get(request[0] ?? -1);
    if (handler === undefined) return [Status.NoHandler, text('no handler for this kind of request')];
    if (this.inflight >= this.limits.maxInflight) return [Status.Busy, text('too many requests in flight')];
    this.inflight++;
    try {
      const response = await handler({ peerId, validatorIndex: this.allow.indexOf(peerId) }, request);
      if (response.length > this.limits.maxResponseBytes)
        return [Status.HandlerError, text(`response of ${response.length} bytes over the cap`)];
      return [Status.Ok, response];
    } catch (err) {
      return [Status.HandlerError, text((err as Error).message ?? 'handler failed')];
    } finally {
      this.inflight--;
    }
  }
}

/** An oversized request is answered (so the requester learns why); other read errors propagate. */
function refuseOversized(err: unknown, cap: number): [Status, Uint8Array] {
  if (err instanceof P2PError && err.code === P2PErrorCode.Oversized)
    return [Status.TooLarge, new TextEncoder().encode(`request over the cap of ${cap} bytes`)];
  throw err;
}
