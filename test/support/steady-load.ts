// Helpers of the real-process tests that need a chain that keeps committing for a stretch of its
// own time (empty periods make no block): one envelope at a time, each waited for until committed,
// and the node's own view of itself from its management port (/status).
import { ReceiptState } from '../../api/types.js';
import { tracingCode } from '../../crypto/hash.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { type TestCluster, waitForHeight } from './cluster.js';

/** The fields of a node's GET /status the tests read (node/node-status.ts). */
export interface MgmtStatus {
  view: number;
  inViewChange: boolean;
  height: number;
  mempool: number;
}

export async function mgmtStatus(c: TestCluster, i: number): Promise<MgmtStatus> {
  const res = await fetch(`http://${c.mgmt[i]}/status`);
  if (!res.ok) throw new Error(`node ${i} /status answered ${res.status}`);
  return (await res.json()) as MgmtStatus;
}

/**
 * Commits envelopes of `site` (sequence numbers from `fromSeq` on), one at a time, each through
 * node `seq % nodes` (so consecutive calls go on taking turns), until a block whose header time is at least `untilTime` has committed on
 * node `watch`. Each envelope is waited for by its receipt, block by block (no fixed pause).
 * Returns the next unused sequence number.
 */
export async function commitUntil(
  c: TestCluster,
  site: number,
  fromSeq: number,
  untilTime: number,
  watch = 0,
  maxEnvelopes = 400,
): Promise<number> {
  let seq = fromSeq;
  for (let k = 0; k < maxEnvelopes; k++, seq++) {
    const env = syntheticEnvelope(c.sites[site]!, c.chainId, c.scp.publicKey, seq, Date.now());
    await c.client(seq % c.procs.length).upload(env);
    const tc = tracingCode(env);
    for (let blocks = 0; ; blocks++) {
      // The height before the receipt: a block that commits in between is not waited for again.
      const h = (await c.client(watch).getStatus()).height;
      const r = await c
        .client(watch)
        .getReceipt(tc)
        .catch(() => undefined);
      if (r?.state === ReceiptState.Committed) {
        if (r.blockTime >= untilTime) return seq + 1;
        break;
      }
      if (blocks >= 50) throw new Error(`envelope seq ${seq} not committed on node ${watch} after 50 blocks`);
      await waitForHeight(c, watch, h + 1, 30_000);
    }
  }
  throw new Error(`chain time did not reach ${untilTime} within ${maxEnvelopes} envelopes`);
}
