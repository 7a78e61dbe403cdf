// Bad input over RPC gets its documented reason, and the node keeps serving (docs/rpc.md).
// One validator is enough for admission: the rules are the same on every node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../api/errors.js';
import { UploadStatus } from '../../api/types.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { tracingCode } from '../../crypto/hash.js';
import { syntheticEnvelope, syntheticSites } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(1, 2);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).code;
  }
  return 'accepted';
}

describe('upload rejections', () => {
  it('answers each bad upload with its reason and keeps committing good ones', async () => {
    const client = c.client(0);
    const [site] = c.sites;
    const stranger = syntheticSites(1)[0]!;
    const now = Date.now();
    const env = (seq: number, s = site!) => syntheticEnvelope(s, c.chainId, c.scp.publicKey, seq, now + seq);

    expect(await reasonOf(client.upload(env(1, stranger)))).toBe(ApiErrorCode.Unauthorized);
    const forged = env(1);
    forged[forged.length - 1]! ^= 0x01;
    expect(await reasonOf(client.upload(forged))).toBe(ApiErrorCode.BadSignature);
    expect(await reasonOf(client.upload(new Uint8Array([1, 2, 3, 4, 5])))).toBe(ApiErrorCode.Malformed);
    expect(await reasonOf(client.upload(new Uint8Array(64 * 1024)))).toBe(ApiErrorCode.Oversized);

    const first = env(1);
    expect((await client.upload(first)).status).toBe(UploadStatus.Accepted);
    // A re-send is a success either way: still pending, or committed already (a block may close between).
    expect([UploadStatus.AlreadyPending, UploadStatus.AlreadyCommitted]).toContain(
      (await client.upload(first)).status,
    );
    const replay = syntheticEnvelope(site!, c.chainId, c.scp.publicKey, 1, now + 999);
    expect(await reasonOf(client.upload(replay))).toBe(ApiErrorCode.Replayed);
    await waitForEnvelopes(c, 0, 1);
    expect((await client.upload(first)).status).toBe(UploadStatus.AlreadyCommitted);
    expect(await reasonOf(client.upload(replay))).toBe(ApiErrorCode.Replayed);

    expect((await client.upload(env(2))).status).toBe(UploadStatus.Accepted);
    await waitForEnvelopes(c, 0, 2);

    // One envelope twice in a batch: the second copy is the same envelope, already pending (a
    // REPLAYED answer would make a site seal the reading again: it would commit twice).
    const twice = env(3);
    const copies = await client.uploadBatch([twice, twice]);
    expect(copies.map((r) => r.status)).toEqual([UploadStatus.Accepted, UploadStatus.AlreadyPending]);
    expect(copies[1]!.reason).toBe('');
    const status = await client.getStatus();
    expect(status.height).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

/** Follows node i's block stream until every one of these envelopes is in a block (bounded). */
async function waitForCommitted(i: number, envelopes: Uint8Array[], timeoutMs = 120_000): Promise<void> {
  const missing = new Set(envelopes.map((e) => Buffer.from(tracingCode(e)).toString('hex')));
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    for await (const ev of c.client(i).subscribeBlocks(1, ac.signal)) {
      for (const e of decodeCertifiedBlock(ev.certifiedBlock).block.envelopes)
        missing.delete(Buffer.from(tracingCode(e)).toString('hex'));
      if (missing.size === 0) return;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  throw new Error(`${missing.size} envelopes not committed within ${timeoutMs} ms`);
}

describe('envelope bounds (chain parameters maxSeqGap, maxEnvelopeFutureMs)', () => {
  it('refuses a far seq jump and a far-future time with typed reasons; the site uploads on', async () => {
    const client = c.client(0);
    const site = c.sites[1]!;
    const env = (seq: number, time = Date.now()) =>
      syntheticEnvelope(site, c.chainId, c.scp.publicKey, seq, time);
    const year3000 = Date.parse('3000-01-01T00:00:00Z');

    const far = client.upload(env(Number.MAX_SAFE_INTEGER));
    await expect(far).rejects.toMatchObject({ code: ApiErrorCode.SeqTooFar });
    await expect(far).rejects.toThrow(/SeqTooFar/);
    const future = client.upload(env(1, year3000));
    await expect(future).rejects.toMatchObject({ code: ApiErrorCode.TimeInFuture });
    await expect(future).rejects.toThrow(/TimeInFuture/);

    // In a batch each refusal carries its own reason, and the good envelope beside them is taken.
    const first = env(1);
    const results = await client.uploadBatch([env(1_000_001), env(2, Date.now() + 3_600_000), first]);
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      [UploadStatus.Rejected, ApiErrorCode.SeqTooFar],
      [UploadStatus.Rejected, ApiErrorCode.TimeInFuture],
      [UploadStatus.Accepted, ''],
    ]);
    // Nothing was spent by the refusals: the site's next numbers commit and apply.
    const second = env(2);
    expect((await client.upload(second)).status).toBe(UploadStatus.Accepted);
    await waitForCommitted(0, [first, second]);
    for (const e of [first, second]) expect((await client.getReceipt(tracingCode(e))).result).toBe('');
    // The gap is measured from the highest committed seq (2): 2 + 1,000,000 is the last one allowed.
    await expect(client.upload(env(1_000_003))).rejects.toMatchObject({ code: ApiErrorCode.SeqTooFar });
    expect((await client.upload(env(1_000_002))).status).toBe(UploadStatus.Accepted);
  }, 120_000);
});
