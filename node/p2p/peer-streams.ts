// A stream protocol of persistent per-peer streams: one outbound stream per peer (StreamWriter),
// carrying length-prefixed frames one after another with no reply; the receiving side reads frames
// until the stream ends and passes each through the inbound gate, in order. Each announced length is
// checked against the cap before the frame is buffered, and the sender's allow-list and rate checks
// run at each frame's header, so a refused frame is skipped unread.
import type { IncomingStreamData, Libp2p, PeerId } from '@libp2p/interface';
import { P2PError, P2PErrorCode } from './errors.js';
import { frameBytes, readFrames } from './frame.js';
import type { InboundGate, MessageKind } from './inbound.js';
import { openStream } from './stream-io.js';
import {
  emptyWriterStats,
  StreamWriter,
  type StreamWriterOptions,
  type StreamWriterStats,
} from './stream-writer.js';

export interface PeerStreamsOptions extends StreamWriterOptions {
  /** Largest frame body, sent or received. */
  maxFrameBytes: number;
}

export class PeerStreams {
  /** Summed over every peer's writer, past and present. */
  readonly stats: StreamWriterStats = emptyWriterStats();
  private readonly writers = new Map<string, StreamWriter>();

  constructor(
    private readonly protocol: string,
    private readonly kind: MessageKind,
    private readonly gate: InboundGate,
    private readonly opts: PeerStreamsOptions,
  ) {}

  /**
   * Queues `data` for `peer` (who must be an allowed peer: the caller resolves it from the allow
   * list). Throws OVERSIZED over the frame cap; otherwise returns at once. Delivery is not confirmed.
   */
  send(libp2p: Libp2p, peer: PeerId, data: Uint8Array): void {
    const frame = frameBytes(data, this.opts.maxFrameBytes);
    const id = peer.toString();
    let w = this.writers.get(id);
    if (w === undefined) {
      w = new StreamWriter(
        () => openStream(libp2p, peer, this.protocol, this.opts.timeoutMs),
        this.opts,
        this.stats,
      );
      this.writers.set(id, w);
    }
    w.push(frame);
  }

  /** Frames and bytes queued towards every peer (what a stalled peer can make this node hold). */
  pending(): { frames: number; bytes: number } {
    let frames = 0;
    let bytes = 0;
    for (const w of this.writers.values()) {
      frames += w.pendingFrames;
      bytes += w.pendingBytes;
    }
    return { frames, bytes };
  }

  /** Closes the writer to a peer that disconnected: its queue is dropped with its stream. */
  forget(peerId: string): void {
    this.writers.get(peerId)?.close();
    this.writers.delete(peerId);
  }

  stop(): void {
    for (const w of this.writers.values()) w.close();
    this.writers.clear();
  }

  readonly serve = async ({ stream, connection }: IncomingStreamData): Promise<void> => {
    const from = connection.remotePeer.toString();
    const admit = (): boolean => this.gate.admitSender(from) === undefined;
    try {
      for await (const data of readFrames(stream.source, this.opts.maxFrameBytes, admit)) {
        // One at a time, in order: a slow validator slows this peer's stream, not other peers'.
        await this.gate.screenAdmitted(this.kind, from, data, true);
      }
      await stream.close();
    } catch (err) {
      if (err instanceof P2PError && err.code === P2PErrorCode.Oversized) this.gate.refuseOversized(from);
      stream.abort(err as Error);
    }
  };
}
