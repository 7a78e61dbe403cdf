// A real 4-node cluster on loopback: concurrent clients upload envelopes to every node; all commit,
// every node holds the same chain, and every sampled envelope traces to a proof that verifies
// offline against the validator set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadStatus } from '../../api/types.js';
import { syntheticEnvelope } from '../../bench/load/envelopes.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { tracingCode } from '../../crypto/hash.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

const TOTAL = Number(process.env.BKDMS_IT_ENVELOPES ?? 10_000);
const CLIENTS = 4;
const BATCH = 250;

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(4, 8);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

describe('4-node cluster', () => {
  it(`commits ${TOTAL} envelopes uploaded by ${CLIENTS} concurrent clients, identically on every node`, async () => {
    const t0 = Date.now();
    // Each client feeds its own sites, in sequence order, like real sites do.
    const perClient = TOTAL / CLIENTS;
    const envelopes: Uint8Array[][] = Array.from({ length: CLIENTS }, (_, ci) =>
      Array.from({ length: perClient }, (_, k) => {
        const site = c.sites[ci * 2 + (k % 2)]!;
        return syntheticEnvelope(site, c.chainId, c.scp.publicKey, Math.floor(k / 2) + 1, t0 + k);
      }),
    );
    const uploads = envelopes.map(async (mine, ci) => {
      for (let b = 0; b < mine.length; b += BATCH) {
        const results = await c.client(ci).uploadBatch(mine.slice(b, b + BATCH));
        for (const r of results) expect(r.status, r.message).toBe(UploadStatus.Accepted);
      }
    });
    await Promise.all(uploads);
    const heights = await Promise.all([0, 1, 2, 3].map((i) => waitForEnvelopes(c, i, TOTAL)));
    const top = Math.min(...heights);
    for (let h = 1; h <= top; h++) {
      const blocks = await Promise.all([0, 1, 2, 3].map((i) => c.client(i).getBlock(h)));
      const hashes = blocks.map((b) => decodeCertifiedBlock(b).certificate.blockHash.toString());
      expect(new Set(hashes).size).toBe(1);
    }
    const all = envelopes.flat();
    for (let k = 0; k < TOTAL; k += Math.ceil(TOTAL / 40)) {
      const tc = tracingCode(all[k]!);
      for (let i = 0; i < 4; i++) {
        const v = await c.client(i).traceVerified(tc, c.validators);
        expect(Buffer.from(v.envelope).equals(Buffer.from(all[k]!))).toBe(true);
      }
    }
  }, 480_000);
});
