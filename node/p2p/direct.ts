// Messages addressed to one validator, sent on a stream instead of gossip: one stream per message,
// one frame, no reply. They pass the same inbound gate as gossiped ones. Two protocols use it:
// consensus messages (state responses and NEW-VIEW replies) and envelope batches relayed to each
// peer when gossip did not carry them; both are rare, so few streams per peer are allowed at once.
import type { IncomingStreamData, Libp2p, PeerId } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';
import { frameOf, readFrame } from './frame.js';
import type { InboundGate, MessageKind } from './inbound.js';
import { openStream, withDeadline } from './stream-io.js';

export class DirectMessages {
  constructor(
    private readonly protocol: string,
    private readonly kind: MessageKind,
    private readonly gate: InboundGate,
    private readonly maxBytes: number,
    private readonly timeoutMs: number,
  ) {}

  /** Delivers `data` to `peer`'s stream handler; resolves once it is written and closed. */
  async send(libp2p: Libp2p, peer: PeerId, data: Uint8Array): Promise<void> {
    const frame = frameOf([data], this.maxBytes);
    const stream = await openStream(libp2p, peer, this.protocol, this.timeoutMs);
    await withDeadline(stream, this.timeoutMs, async (s) => {
      await s.sink(frame);
      // The receiver closes its side after reading; waiting for that makes `send` mean "read".
      for await (const _ of s.source) {
        // No reply is defined; anything sent back is ignored.
      }
    });
  }

  readonly serve = async ({ stream, connection }: IncomingStreamData): Promise<void> => {
    const from = connection.remotePeer.toString();
    // Sender checks first: a peer over its rate does not get a frame of up to the cap buffered.
    if (this.gate.admitSender(from) !== undefined) {
      stream.abort(new P2PError(P2PErrorCode.RateLimited, 'direct message refused'));
      return;
    }
    try {
      const data = await withDeadline(stream, this.timeoutMs, (s) => readFrame(s.source, this.maxBytes));
      await stream.close();
      await this.gate.screenAdmitted(this.kind, from, data, true);
    } catch (err) {
      stream.abort(err as Error);
    }
  };
}
