// Permission administration end to end on a real node (Y.4907 Appendix I): the administrator's
// governance calls are committed, a revoked site's uploads are refused from then on, and a site
// whose key was rotated keeps uploading with its new key while the old key is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../api/errors.js';
import { UploadStatus } from '../../api/types.js';
import { generateEd25519 } from '../../crypto/ed25519.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { clusterAdminKey } from '../../devnet/layout.js';
import { Admin } from '../../platform/admin.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(1, 2);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof ApiError ? err.code : String(err);
  }
}

describe('governance on a running chain', () => {
  it('revokes one site and rotates the key of another', async () => {
    const client = c.client(0);
    const admin = new Admin(client, {
      chainId: c.chainId,
      key: await clusterAdminKey(c.layout),
      receiptPollMs: 100,
    });
    const [a, b] = c.sites as [(typeof c.sites)[0], (typeof c.sites)[0]];
    const up = (site: typeof a, seq: number) =>
      client.upload(syntheticEnvelope(site, c.chainId, c.scp.publicKey, seq, Date.now()));

    expect((await up(a, 1)).status).toBe(UploadStatus.Accepted);
    await waitForEnvelopes(c, 0, 1);
    await admin.revokeSite(hex(keyIdOf(a.key.publicKey)));
    expect(await reason(up(a, 2))).toBe(ApiErrorCode.Unauthorized);
    expect((await client.getSite(keyIdOf(a.key.publicKey))).status).toBe(3);

    expect((await up(b, 1)).status).toBe(UploadStatus.Accepted);
    const fresh = generateEd25519();
    await admin.rotateSiteKey(hex(keyIdOf(b.key.publicKey)), fresh.publicKey);
    expect(await reason(up(b, 2))).toBe(ApiErrorCode.Unauthorized);
    const rotated = { ...b, key: fresh };
    const next = (await client.getSite(keyIdOf(fresh.publicKey))).lastPendingSeq + 1;
    expect((await up(rotated, next)).status).toBe(UploadStatus.Accepted);
  }, 180_000);
});
