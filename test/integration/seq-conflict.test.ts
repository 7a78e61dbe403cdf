// A site signs two different envelopes with the same sequence number and sends them to different
// nodes at once (docs/rpc.md, GetReceipt). Both may be admitted, each by the node it reached first;
// one commits, and every node then evicts the other: its receipt answers REPLAYED, and no node is
// left waiting for it (its request timer would otherwise start a view change nobody joins).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../api/errors.js';
import { ReceiptState, type UploadResult, UploadStatus } from '../../api/types.js';
import { tracingCode } from '../../crypto/hash.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster, waitForHeight } from '../support/cluster.js';
import { commitUntil, mgmtStatus } from '../support/steady-load.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(4, 3);
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

/** Request timeout of the test cluster (node/consensus-setup.ts: 3 view timeouts of 1.5 s), with margin. */
const REQUEST_TIMEOUT_MS = 4_500;

type Answer = UploadResult | ApiError;

const answer = (p: Promise<UploadResult>): Promise<Answer> =>
  p.catch((err: unknown) => {
    if (err instanceof ApiError) return err;
    throw err;
  });

const held = (a: Answer | undefined): boolean =>
  a !== undefined &&
  !(a instanceof ApiError) &&
  (a.status === UploadStatus.Accepted || a.status === UploadStatus.AlreadyPending);

interface Pair {
  envelopes: [Uint8Array, Uint8Array];
  /** answers[k][i]: node i's answer to envelope k (undefined: not sent there). */
  answers: [(Answer | undefined)[], (Answer | undefined)[]];
  sentAt: number;
}

/**
 * Sends two envelopes of `site` with one fresh sequence number, all at once, in the order of
 * `sends` ([envelope 0 or 1, node]), until each was admitted by some node (the second one to arrive
 * somewhere may be refused as "already pending" instead: then the race is run again with the next
 * sequence number).
 */
async function race(site: number, firstSeq: number, sends: [0 | 1, number][]): Promise<Pair> {
  for (let seq = firstSeq; seq < firstSeq + 8; seq++) {
    const now = Date.now();
    const envelopes: [Uint8Array, Uint8Array] = [
      syntheticEnvelope(c.sites[site]!, c.chainId, c.scp.publicKey, seq, now),
      syntheticEnvelope(c.sites[site]!, c.chainId, c.scp.publicKey, seq, now + 1),
    ];
    const answers: Pair['answers'] = [[], []];
    await Promise.all(
      sends.map(async ([k, i]) => {
        answers[k][i] = await answer(c.client(i).upload(envelopes[k]));
      }),
    );
    if (answers[0].some(held) && answers[1].some(held)) return { envelopes, answers, sentAt: now };
  }
  throw new Error('no race admitted both envelopes in 8 attempts');
}

/** Which of the two committed (on node 2), waiting block by block. */
async function winnerOf(pair: Pair): Promise<0 | 1> {
  for (let blocks = 0; blocks < 50; blocks++) {
    // The height before the receipts: a block that commits in between is not waited for again.
    const h = (await c.client(2).getStatus()).height;
    for (const k of [0, 1] as const) {
      const r = await c
        .client(2)
        .getReceipt(tracingCode(pair.envelopes[k]))
        .catch(() => undefined);
      if (r?.state === ReceiptState.Committed) return k;
    }
    await waitForHeight(c, 2, h + 1, 30_000);
  }
  throw new Error('neither envelope of the pair committed');
}

async function receiptReason(i: number, tc: Uint8Array): Promise<string> {
  try {
    const r = await c.client(i).getReceipt(tc);
    return `receipt ${ReceiptState[r.state]}`;
  } catch (err) {
    return err instanceof ApiError ? err.code : String(err);
  }
}

let nextLoadSeq = 1;

/** The checks after a race: nobody left in a view change, the loser refused where it was held. */
async function settle(pair: Pair): Promise<void> {
  const winner = await winnerOf(pair);
  const loser = (1 - winner) as 0 | 1;
  // The chain goes on well past the loser's request timeout, every node taking uploads in turn.
  nextLoadSeq = await commitUntil(c, 2, nextLoadSeq, pair.sentAt + 3 * REQUEST_TIMEOUT_MS);
  const statuses = await Promise.all([0, 1, 2, 3].map((i) => mgmtStatus(c, i)));
  expect(statuses.map((s) => s.inViewChange)).toEqual([false, false, false, false]);
  expect(new Set(statuses.map((s) => s.view)).size).toBe(1);

  const tc = tracingCode(pair.envelopes[loser]);
  for (const i of [0, 1, 2, 3]) {
    const reason = await receiptReason(i, tc);
    // A node that held the loser evicted it; one that never did knows nothing of it.
    if (held(pair.answers[loser][i])) expect(reason, `node ${i}`).toBe(ApiErrorCode.Replayed);
    else expect([ApiErrorCode.Replayed, ApiErrorCode.NotFound], `node ${i}`).toContain(reason);
  }
  await expect(c.client(1).upload(pair.envelopes[loser])).rejects.toMatchObject({
    code: ApiErrorCode.Replayed,
  });
  // Every node keeps committing: one more envelope through each, all four on the same tip.
  for (let k = 0; k < 4; k++) nextLoadSeq = await commitUntil(c, 2, nextLoadSeq, 0);
  const top = Math.max(
    ...(await Promise.all([0, 1, 2, 3].map(async (i) => (await mgmtStatus(c, i)).height))),
  );
  await Promise.all([0, 1, 2, 3].map((i) => waitForHeight(c, i, top, 30_000)));
}

describe('two envelopes with the same sequence number', () => {
  it('sent to nodes 0 and 1 at once: one commits, the other is evicted and no node changes view alone', async () => {
    await settle(
      await race(0, 1, [
        [0, 0],
        [1, 1],
      ]),
    );
  }, 180_000);

  it('each sent to all four nodes at once: the same', async () => {
    // Nodes 0 and 1 get the first envelope first, nodes 2 and 3 the second.
    await settle(
      await race(1, 1, [
        [0, 0],
        [0, 1],
        [1, 2],
        [1, 3],
        [1, 0],
        [1, 1],
        [0, 2],
        [0, 3],
      ]),
    );
  }, 180_000);
});
