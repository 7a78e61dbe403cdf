// Clients that trust no single node, against a real lying node (testkit/lying-node.ts): a 4-node
// cluster whose node 3 runs with --testkit and every lie. What the liar serves is refused by the
// `bkdms` commands and the typed client's verified calls, while the same asked of an honest node
// verifies; a node given the lies without --testkit refuses to start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorCode } from '../../api/errors.js';
import { LightClient } from '../../api/light-client.js';
import { ReceiptState, UploadStatus } from '../../api/types.js';
import { decodeBlockHeader } from '../../codec/block.js';
import { toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { ChainCache } from '../../site/chain-cache.js';
import { ChainUploader } from '../../site/chain-uploader.js';
import { NodeReports } from '../../site/node-reports.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { LIE_ENV, LIE_FROM_HEIGHT } from '../../testkit/lying-node.js';
import { bkdms } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForEnvelopes, waitForHeight } from '../support/cluster.js';

const LIAR = 3;
const LIES = 'scp-key,receipt,header-cert,state-proof,hash-log';
let c: TestCluster;
let genesis: string;
let code: string;

beforeAll(async () => {
  c = await startTestCluster(4, 2, {
    perNode: (i) => (i === LIAR ? { env: { [LIE_ENV]: LIES }, args: ['--testkit'] } : {}),
  });
  genesis = c.layout.genesisPath;
  // Blocks are made only for envelopes: one committed at a time, so each has its own block and the
  // chain grows past LIE_FROM_HEIGHT.
  let height = 0;
  for (let seq = 1; seq <= LIE_FROM_HEIGHT + 2; seq++) {
    const env = syntheticEnvelope(c.sites[0]!, c.chainId, c.scp.publicKey, seq, Date.now());
    const [r] = await c.client(0).uploadBatch([env]);
    expect(r!.status, r!.message).toBe(UploadStatus.Accepted);
    if (seq === 1) code = toHex(tracingCode(env));
    height = await waitForEnvelopes(c, 0, seq, 60_000);
  }
  await waitForHeight(c, LIAR, height, 60_000);
}, 180_000);

afterAll(async () => {
  await c?.dispose();
});

const rpc = (i: number): string => c.rpc[i]!;
const trust = () => ({ chainId: c.chainId, validators: c.validators });

describe('a lying node (test kit)', () => {
  it('bkdms state scp/ --genesis verifies from an honest node and fails against the liar', async () => {
    const ok = await bkdms(['state', 'scp/', '--genesis', genesis, '--rpc', rpc(0)]);
    expect(ok.code, ok.stderr).toBe(0);
    const entries = (JSON.parse(ok.stdout) as { entries: { value: { publicKey: string } }[] }).entries;
    expect(entries.map((e) => e.value.publicKey)).toEqual([toHex(c.scp.publicKey)]);
    const lied = await bkdms(['state', 'scp/', '--genesis', genesis, '--rpc', rpc(LIAR)]);
    expect(lied.code).toBe(1);
    expect(lied.stderr).toMatch(/state proof: ROOT_MISMATCH/);
    expect(lied.stdout).toBe('');
  }, 60_000);

  it('bkdms verify-chain reports the first height the liar lied about', async () => {
    const args = ['verify-chain', '--genesis', genesis, '--to', String(LIE_FROM_HEIGHT + 1), '--json'];
    const ok = await bkdms([...args, '--rpc', rpc(1)]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, firstBad: null });
    const lied = await bkdms([...args, '--rpc', rpc(LIAR)]);
    expect(lied.code).toBe(1);
    const r = JSON.parse(lied.stdout) as { ok: boolean; verified: number; firstBad: { height: number } };
    expect(r.ok).toBe(false);
    expect(r.firstBad.height).toBe(LIE_FROM_HEIGHT);
    expect(r.verified).toBe(LIE_FROM_HEIGHT - 1);
  }, 60_000);

  it('bkdms trace --genesis of a committed envelope verifies from an honest node, is refused from the liar', async () => {
    const ok = await bkdms(['trace', code, '--genesis', genesis, '--rpc', rpc(2), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ verified: true });
    const lied = await bkdms(['trace', code, '--genesis', genesis, '--rpc', rpc(LIAR), '--json']);
    expect(lied.code).toBe(1);
    expect(JSON.parse(lied.stdout)).toMatchObject({ verified: false });
  }, 60_000);

  it("the typed client's verified calls refuse the liar's SCP keys and block-hash log", async () => {
    const honest = await c.client(0).getScpKeysVerified(trust());
    expect(honest.keys.map((k) => toHex(k.publicKey))).toEqual([toHex(c.scp.publicKey)]);
    // Unverified, the liar names its own key; verified, the answer is refused.
    const plain = await c.client(LIAR).getScpKeys();
    expect(plain.keys.map((k) => toHex(k.publicKey))).not.toContain(toHex(c.scp.publicKey));
    await expect(c.client(LIAR).getScpKeysVerified(trust())).rejects.toMatchObject({
      code: ApiErrorCode.VerificationFailed,
    });
    // Two heads taken from an honest node's headers (the liar's certificates would not verify).
    const page = await c.client(0).getHeaders({ fromHeight: 2, toHeight: 4 });
    const heads = page.headers.map((h) => decodeBlockHeader(h.header));
    const [first, second] = [heads[0]!, heads[heads.length - 1]!];
    const p = await c.client(1).consistencyProofVerified(first, second);
    expect([p.firstSize, p.secondSize]).toEqual([first.height, second.height]);
    await expect(c.client(LIAR).consistencyProofVerified(first, second)).rejects.toMatchObject({
      code: ApiErrorCode.VerificationFailed,
    });
  }, 60_000);

  it('the liar says "committed" for an envelope nobody committed; an honest node says not found', async () => {
    const never = new Uint8Array(32).fill(0xee);
    await expect(c.client(0).getReceipt(never)).rejects.toMatchObject({ code: ApiErrorCode.NotFound });
    expect((await c.client(LIAR).getReceipt(never)).state).toBe(ReceiptState.Committed);
    // Only a verified trace tells: the liar has nothing to prove it with.
    await expect(c.client(LIAR).traceVerified(never, trust())).rejects.toMatchObject({
      code: ApiErrorCode.NotFound,
    });
  }, 60_000);

  it("the site's uploader, liar first, refuses its key and receipts, names it, and gets the truth from another node", async () => {
    const uploader = () => {
      const reports = new NodeReports();
      const nodes = [
        { name: 'liar', client: c.client(LIAR) },
        { name: 'honest', client: c.client(1) },
      ];
      const u = new ChainUploader(
        nodes,
        keyIdOf(c.sites[0]!.key.publicKey),
        new ChainCache(),
        new LightClient({ chainId: c.chainId, validators: c.validators }),
        reports,
      );
      return { u, reports };
    };
    // The SCP key: the liar's forged one is refused, the real one taken from the honest node.
    const a = uploader();
    expect((await a.u.scpKeys()).map((k) => toHex(k.publicKey))).toEqual([toHex(c.scp.publicKey)]);
    expect(a.reports.snapshot()).toMatchObject({ unverified: { liar: 1 } });
    expect(a.reports.snapshot().lastUnverified).toMatch(/^liar scpKeys: /);
    // A committed envelope: the liar's "committed" comes with a trace that does not verify, so the
    // entry stays (pending) and the liar is reported; the next node proves it committed.
    const b = uploader();
    expect(await b.u.receipt(code, 1)).toEqual({ kind: 'pending' });
    expect(b.reports.snapshot().lastUnverified).toMatch(/^liar receipt: /);
    expect(await b.u.receipt(code, 1)).toMatchObject({ kind: 'committed' });
    // "Committed" for an envelope nobody committed: pending, reported; the honest node never saw it.
    const d = uploader();
    const never = toHex(new Uint8Array(32).fill(0xee));
    expect(await d.u.receipt(never)).toEqual({ kind: 'pending' });
    expect(d.reports.snapshot()).toEqual({
      unverified: { liar: 1 },
      lastUnverified: 'liar receipt: NO_TRACE',
    });
    expect(await d.u.receipt(never)).toEqual({ kind: 'unknown' });
  }, 60_000);

  it('a node given lies without --testkit refuses to start', async () => {
    const r = await bkdms(['node', 'start', '--config', c.layout.nodes[0]!.configPath], {
      [LIE_ENV]: 'receipt',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--testkit is not');
  }, 60_000);
});
