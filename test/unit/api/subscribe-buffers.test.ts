// SubscribeBlocks against subscribers that do not read: the server holds at most the per-stream
// cap of unread blocks for each and the node-wide cap in total, waits (losing nothing) for a slow
// reader, and refuses a stream it has no room for with TOO_MANY_STREAMS. The subscribers are bare
// HTTP/2 streams, so "not reading" really stops HTTP/2 flow control (a grpc-js client keeps
// reading into its own memory). Sizes are checked through the server's own accounting; every wait
// is on a condition, re-checked a bounded number of times.
import { type ClientHttp2Session, type ClientHttp2Stream, connect } from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../../api/errors.js';
import { ledgerService } from '../../../api/proto.js';
import { REASON_KEY } from '../../../api/status.js';
import type { BlockEvent } from '../../../api/types.js';
import type { Rig } from './harness.js';
import { startRig } from './harness.js';

const BLOCK = 32 * 1024;
/** What the server accounts for one such block on the wire (block + message overhead). */
const S = BLOCK + 32;
const PER_STREAM = 4 * S;
const TOTAL = 7 * S;
const BLOCKS = 40;
const RESOURCE_EXHAUSTED = 8;

let rig: Rig | undefined;
let session: ClientHttp2Session | undefined;
afterEach(async () => {
  session?.destroy();
  await rig?.close();
  rig = undefined;
  session = undefined;
});

/** Re-checks `cond` every 10 ms, at most 1000 times (a bound, not an expected duration). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never true: ${what}`);
}

/** SubscribeBlocks from height 1 on a bare HTTP/2 stream; nothing reads it until told to. */
function subscribe(s: ClientHttp2Session): ClientHttp2Stream {
  const stream = s.request({
    ':method': 'POST',
    ':path': '/bkdms.v1.Ledger/SubscribeBlocks',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  // One uncompressed gRPC message of 2 bytes: field 1 (from_height) = 1.
  stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]));
  return stream;
}

/** Reads `stream` from now on and resolves with the first `n` blocks it carries. */
function readBlocks(stream: ClientHttp2Stream, n: number): Promise<BlockEvent[]> {
  const decode = ledgerService().service.SubscribeBlocks!.responseDeserialize;
  return new Promise((resolve, reject) => {
    const got: BlockEvent[] = [];
    let buf = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 5 && buf.length >= 5 + buf.readUInt32BE(1)) {
        const len = buf.readUInt32BE(1);
        got.push(decode(buf.subarray(5, 5 + len)) as BlockEvent);
        buf = buf.subarray(5 + len);
        if (got.length === n) resolve(got);
      }
    });
    stream.on('end', () => reject(new Error(`stream ended after ${got.length} blocks`)));
  });
}

describe('SubscribeBlocks buffers', () => {
  it('bounds unread bytes per stream and in total, and a slow reader still gets every block', async () => {
    rig = await startRig({
      limits: { maxStreamBufferBytes: PER_STREAM, maxSubscriptionBufferBytes: TOTAL },
    });
    const r = rig;
    for (let i = 0; i < BLOCKS; i++) r.node.pushBlock(BLOCK);
    session = connect(`http://127.0.0.1:${r.server.port}`);

    const a = subscribe(session);
    await until(() => r.server.subscriptions().waiting === 1, 'the first stream waits for its reader');
    const afterA = r.server.subscriptions().bufferedBytes;
    // Exactly the cap: blocks of one size stop the stream when the next would pass it.
    expect(afterA).toBe(PER_STREAM);

    const b = subscribe(session);
    await until(() => r.server.subscriptions().waiting === 2, 'the second stream waits too');
    // The total cap stopped the second stream before its own cap did.
    expect(r.server.subscriptions().bufferedBytes).toBe(TOTAL);

    // No room left in total for a third stream that holds nothing: refused at once, not queued.
    const c = subscribe(session);
    const headers = await new Promise<Record<string, unknown>>((resolve) => c.once('response', resolve));
    expect(Number(headers['grpc-status'])).toBe(RESOURCE_EXHAUSTED);
    expect(headers[REASON_KEY]).toBe(ApiErrorCode.TooManyStreams);

    // The first subscriber starts reading: it gets every block, in order, nothing dropped.
    const blocks = await readBlocks(a, BLOCKS);
    expect(blocks.map((ev) => ev.height)).toEqual(Array.from({ length: BLOCKS }, (_, i) => i + 1));
    for (const ev of blocks) expect(ev.certifiedBlock.length).toBe(BLOCK);

    // Cancelled streams give their unread bytes back.
    a.close();
    b.close();
    await until(() => r.server.subscriptions().open === 0, 'both subscriptions closed');
    expect(r.server.subscriptions()).toEqual({ open: 0, bufferedBytes: 0, waiting: 0 });
  }, 30_000);
});
