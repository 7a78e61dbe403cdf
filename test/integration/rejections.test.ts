// Bad input over RPC gets its documented reason, and the node keeps serving (docs/rpc.md).
// One validator is enough for admission: the rules are the same on every node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../api/errors.js';
import { UploadStatus } from '../../api/types.js';
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
    const status = await client.getStatus();
    expect(status.height).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
