// One tracing code, one block (docs/rpc.md, Upload and GetReceipt): an envelope that a block holds
// keeps the result recorded there, applied or refused at execution. Sent again, even once the
// refusal no longer holds (the site resumed), it is answered ALREADY_COMMITTED with that result,
// never admitted again: its receipt stays committed, and no restart puts it in a second block.
// A contract call refused at execution is answered the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../api/errors.js';
import { ReceiptState, UploadStatus } from '../../api/types.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { tracingCode } from '../../crypto/hash.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { clusterAdminKey } from '../../devnet/layout.js';
import { Admin } from '../../platform/admin.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

let c: TestCluster;
let admin: Admin;

beforeAll(async () => {
  c = await startTestCluster(1, 1);
  admin = new Admin(c.client(0), {
    chainId: c.chainId,
    key: await clusterAdminKey(c.layout),
    receiptPollMs: 100,
  });
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** How many committed blocks hold this tracing code. */
async function blocksHolding(tc: Uint8Array): Promise<number> {
  const tip = (await c.client(0).getStatus()).height;
  let n = 0;
  for (let h = 1; h <= tip; h++) {
    const b = decodeCertifiedBlock(await c.client(0).getBlock(h));
    if (b.block.envelopes.some((e) => Buffer.from(tracingCode(e)).equals(Buffer.from(tc)))) n++;
  }
  return n;
}

describe('an envelope refused at execution, sent again', () => {
  it('is answered ALREADY_COMMITTED with its recorded result, before and after a restart', async () => {
    const client = c.client(0);
    const site = c.sites[0]!;
    const siteKey = hex(keyIdOf(site.key.publicKey));
    // The suspension is admitted first, the upload right after it: the upload is admitted (the
    // suspension has not committed yet) and executes after it, refused. Should the suspension
    // commit before the upload reaches the node, the upload is refused at admission: resume and
    // run the race again with the next sequence number.
    let env: Uint8Array | undefined;
    for (let seq = 1; env === undefined && seq <= 5; seq++) {
      const suspend = admin.buildCall({
        type: 'propose',
        action: { type: 'suspendSite', siteKeyId: keyIdOf(site.key.publicKey) },
        expiresAt: Date.now() + 3_600_000,
      });
      expect((await client.submitGovernance(suspend)).status).toBe(UploadStatus.Accepted);
      const candidate = syntheticEnvelope(site, c.chainId, c.scp.publicKey, seq, Date.now());
      const admitted = await client.upload(candidate).then(
        () => true,
        (err: unknown) => {
          expect((err as ApiError).code).toBe(ApiErrorCode.Unauthorized);
          return false;
        },
      );
      expect((await admin.waitReceipt(tracingCode(suspend))).result).toBe('');
      if (admitted) env = candidate;
      else await admin.resumeSite(siteKey);
    }
    if (env === undefined) throw new Error('the upload never got in ahead of the suspension');
    const tc = tracingCode(env);
    const refused = await admin.waitReceipt(tc);
    expect(refused.result).toBe('SiteSuspended');

    await admin.resumeSite(siteKey);
    const again = await client.upload(env);
    expect(again.status).toBe(UploadStatus.AlreadyCommitted);
    expect(again.reason).toBe('SiteSuspended');
    const receipt = await client.getReceipt(tc);
    expect(receipt.state).toBe(ReceiptState.Committed);
    expect(receipt.height).toBe(refused.height);
    expect(receipt.result).toBe('SiteSuspended');

    // The site's way on: the same reading under a new sequence number is admitted and applied.
    const remade = syntheticEnvelope(site, c.chainId, c.scp.publicKey, 100, Date.now());
    expect((await client.upload(remade)).status).toBe(UploadStatus.Accepted);
    expect((await admin.waitReceipt(tracingCode(remade))).result).toBe('');

    c.procs[0]!.child.kill('SIGTERM');
    await c.procs[0]!.exited;
    await c.restart(0);
    const afterRestart = await c.client(0).upload(env);
    expect(afterRestart).toMatchObject({ status: UploadStatus.AlreadyCommitted, reason: 'SiteSuspended' });
    // Something else commits after the restart; the refused envelope is still in one block only.
    const next = syntheticEnvelope(site, c.chainId, c.scp.publicKey, 101, Date.now());
    expect((await c.client(0).upload(next)).status).toBe(UploadStatus.Accepted);
    expect((await admin.waitReceipt(tracingCode(next))).result).toBe('');
    expect(await blocksHolding(tc)).toBe(1);
  }, 180_000);

  it('a contract call refused at execution and sent again is ALREADY_COMMITTED with its result', async () => {
    const client = c.client(0);
    const call = admin.buildCall({ type: 'approve', proposalId: new Uint8Array(32).fill(9) });
    expect((await client.submitGovernance(call)).status).toBe(UploadStatus.Accepted);
    expect((await admin.waitReceipt(tracingCode(call))).result).toBe('UnknownProposal');
    const again = await client.submitGovernance(call).catch((err: unknown) => err);
    expect(again).not.toBeInstanceOf(ApiError);
    expect(again).toMatchObject({ status: UploadStatus.AlreadyCommitted, reason: 'UnknownProposal' });
  }, 60_000);
});
