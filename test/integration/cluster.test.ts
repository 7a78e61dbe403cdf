// A real 4-node cluster on loopback: concurrent clients upload envelopes to every node; all commit,
// every node holds the same chain, and every envelope traces on every node to a proof that
// verifies offline against the validator set. A libp2p host outside the validator set cannot
// connect to a node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadStatus } from '../../api/types.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { tracingCode } from '../../crypto/hash.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { P2PErrorCode, peerIdOfPublicKey } from '../../node/p2p/index.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster, waitForEnvelopes, waitForHeight } from '../support/cluster.js';
import { makeIdentity, startNode } from './p2p-helpers.js';

const TOTAL = Number(process.env.BKDMS_IT_ENVELOPES ?? 10_000);
const CLIENTS = 4;
const BATCH = 250;
/** Trace calls in flight per node while checking every envelope. */
const TRACES_IN_FLIGHT = 16;

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
    // Every envelope on every node: the proof bundle verifies offline and holds the very bytes.
    const traced = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        let next = 0;
        let ok = 0;
        const worker = async () => {
          for (let k = next++; k < all.length; k = next++) {
            const v = await c
              .client(i)
              .traceVerified(tracingCode(all[k]!), { chainId: c.chainId, validators: c.validators });
            if (Buffer.from(v.envelope).equals(Buffer.from(all[k]!))) ok++;
          }
        };
        await Promise.all(Array.from({ length: TRACES_IN_FLIGHT }, worker));
        return ok;
      }),
    );
    expect(traced).toEqual([TOTAL, TOTAL, TOTAL, TOTAL]);
  }, 480_000);

  it('refuses a libp2p host outside the validator set', async () => {
    const stranger = await makeIdentity();
    const node = c.layout.nodes[0]!;
    const nodeKey = Buffer.from(node.publicKey, 'hex');
    // The stranger allows the node itself, so only the node's gater can stop the connection.
    const host = await startNode(stranger, [stranger.publicKey, nodeKey], {
      chainId: c.layout.chainId,
    });
    try {
      const addr = `/ip4/127.0.0.1/tcp/${node.ports.p2p}/p2p/${peerIdOfPublicKey(nodeKey)}`;
      await expect(host.connect(addr)).rejects.toMatchObject({ code: P2PErrorCode.Unreachable });
      const status = await c.client(0).getStatus();
      expect(status.peers).not.toContain(host.peerId);
      // The node keeps its validator peers.
      expect(status.peers).toHaveLength(3);
    } finally {
      await host.stop();
    }
  }, 60_000);

  it('answers proven SCP keys and site registrations that verify on every node', async () => {
    const trust = { chainId: c.chainId, validators: c.validators };
    const site = c.sites[0]!;
    const keyId = keyIdOf(site.key.publicKey);
    // Two uploads, each waited for: the header of the second block certifies the first one's effects.
    let seq = 0;
    for (let k = 0; k < 2; k++) {
      seq = (await c.client(0).getSite(keyId)).lastPendingSeq + 1;
      const before = (await c.client(0).getStatus()).height;
      const r = await c
        .client(0)
        .upload(syntheticEnvelope(site, c.chainId, c.scp.publicKey, seq, Date.now()));
      expect(r.status, r.message).toBe(UploadStatus.Accepted);
      await Promise.all([0, 1, 2, 3].map((i) => waitForHeight(c, i, before + 1)));
    }
    for (const i of [0, 1, 2, 3]) {
      const proven = await c.client(i).getSiteVerified(keyId, trust);
      expect(proven.site?.publicKey).toEqual(site.key.publicKey);
      expect(proven.lastCommittedSeq).toBeGreaterThanOrEqual(seq - 1);
      const scp = await c.client(i).getScpKeysVerified(trust);
      expect(scp.keys.map((k) => Buffer.from(k.publicKey).toString('hex'))).toEqual([
        Buffer.from(c.scp.publicKey).toString('hex'),
      ]);
      expect((await c.client(i).getValidatorsVerified(trust)).value.at(-1)?.value).toEqual(
        c.validators.map((v) => Buffer.from(v).toString('hex')),
      );
    }
  }, 120_000);
});
