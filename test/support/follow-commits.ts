// Following a node's committed blocks to see which envelopes made it: one subscription read from
// height 1, instead of a receipt call per envelope.
import type { BkdmsClient } from '../../api/client.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { tracingCode } from '../../crypto/hash.js';

/** A set of hex tracing codes still waited for (a Set, or a Map keyed by them). */
export interface Pending {
  delete(code: string): boolean;
  readonly size: number;
}

/**
 * Removes from `need` the tracing code of every envelope in `client`'s chain, block by block from
 * height 1, until `need` is empty or no block has come for `idleMs`; returns `need`.
 */
export async function followCommits<T extends Pending>(
  client: BkdmsClient,
  need: T,
  idleMs: number,
): Promise<T> {
  const ac = new AbortController();
  let idle = setTimeout(() => ac.abort(), idleMs);
  try {
    for await (const ev of client.subscribeBlocks(1, ac.signal)) {
      clearTimeout(idle);
      idle = setTimeout(() => ac.abort(), idleMs);
      for (const e of decodeCertifiedBlock(ev.certifiedBlock).block.envelopes)
        need.delete(Buffer.from(tracingCode(e)).toString('hex'));
      if (need.size === 0) break;
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    clearTimeout(idle);
    ac.abort();
  }
  return need;
}
