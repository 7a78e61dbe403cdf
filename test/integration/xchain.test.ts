// Cross-chain smoke test on real processes: two one-node chains A and B; B's administrators
// register a light client of A; the relayer (in this process, over RPC) carries A's newest
// certified header with its validator-schedule proof; a forged header is refused; B records one
// of A's committed envelopes from A's trace and block-hash log proof.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlockHeader } from '../../codec/block.js';
import { generateEd25519 } from '../../crypto/ed25519.js';
import { tracingCode } from '../../crypto/hash.js';
import { encodeInclusionProof } from '../../crypto/merkle-proof-codec.js';
import { clusterAdminKey } from '../../devnet/layout.js';
import { XK } from '../../ledger/xchain/records.js';
import { Admin } from '../../platform/admin.js';
import { Relayer } from '../../platform/relay/relayer.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

let a: TestCluster;
let b: TestCluster;

beforeAll(async () => {
  [a, b] = await Promise.all([startTestCluster(1, 1), startTestCluster(1, 1)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()]);
});

const hex = (x: Uint8Array): string => Buffer.from(x).toString('hex');

describe('cross-chain light client on two running chains', () => {
  it('registers, relays, refuses a forged header and records a remote envelope', async () => {
    const ca = a.client(0);
    const cb = b.client(0);
    const site = a.sites[0]!;
    const upload = async (seq: number) => {
      const env = syntheticEnvelope(site, a.chainId, a.scp.publicKey, seq, Date.now());
      await ca.upload(env);
      await waitForEnvelopes(a, 0, seq);
      return env;
    };
    const env1 = await upload(1);
    const h1 = (await ca.getHeaders({ fromHeight: 1, toHeight: 1, maxCount: 1 })).headers[0]!;

    const relayerKey = generateEd25519();
    const admin = new Admin(cb, {
      chainId: b.chainId,
      key: await clusterAdminKey(b.layout),
      receiptPollMs: 100,
    });
    await admin.propose({
      type: 'registerCounterparty',
      clientId: 1,
      trustedHeader: h1.header,
      validators: (await ca.getStatus()).validators,
      trustingPeriodMs: 3_600_000,
      maxClockDriftMs: 10_000,
      relayers: [relayerKey.publicKey],
    });

    await upload(2);
    await upload(3);
    const signer = new Admin(cb, { chainId: b.chainId, key: relayerKey });
    const relayer = new Relayer({
      clientId: 1,
      sources: [ca],
      dest: cb,
      sign: (c) => signer.buildCall(c),
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      receiptTimeoutMs: 30_000,
    });
    const step = await relayer.step(true);
    expect(step).toMatchObject({ kind: 'updated', result: '' });
    const height = (step as { height: number }).height;
    expect(height).toBeGreaterThan(1);
    expect((await relayer.client()).client.latestHeight).toBe(height);

    // A header of A's with a certificate of another block: refused by B's contract.
    const other = (await ca.getHeaders({ fromHeight: 1, toHeight: 1, maxCount: 1 })).headers[0]!;
    const tip = (await ca.getHeaders({ fromHeight: height, toHeight: height, maxCount: 1 })).headers[0]!;
    const forged = { header: tip.header, certificate: other.certificate, scheduleProof: new Uint8Array() };
    expect(await relayer.submit({ type: 'updateClient', clientId: 1, headers: [forged] })).toBe(
      'BadRemoteCertificate',
    );

    // B records envelope 1 of A, proven against its consensus state at `height`.
    const tc = tracingCode(env1);
    const trace = await ca.trace(tc);
    const block = decodeBlockHeader(trace.header);
    const proof = {
      kind: 'envelope' as const,
      header: trace.header,
      logProof: block.height === height ? new Uint8Array() : await ca.getBlockHashProof(block.height, height),
      tracingCode: tc,
      txProof: encodeInclusionProof({
        leafIndex: trace.leafIndex,
        treeSize: block.txCount,
        path: trace.proof,
      }),
    };
    expect(await relayer.submit({ type: 'recordRemoteFact', clientId: 1, height, proof })).toBe('');
    const fact = await cb.getState(XK.fact(1, hex(tc)));
    expect(fact.entries).toHaveLength(1);
  }, 180_000);
});
