// Checks, on the verification pool, the signatures of envelopes that arrive inside a proposed block
// (or a NEW-VIEW or a state transfer) without having passed this node's admission, so that the
// core's synchronous block validation finds them already verified instead of blocking the event
// loop on hundreds of signature checks.
import { decodeEnvelope } from '../codec/envelope.js';
import { envelopeSignature, envelopeSignedRegion } from '../codec/envelope-view.js';
import type { VerifyPool } from '../crypto/verify-pool.js';
import { hex, type VerifyItem } from './admission.js';
import { signerPublicKey } from './authorize.js';
import type { BlockContext } from './block-rules.js';
import type { Mempool } from './mempool.js';
import { envelopeTracingCode } from './tx-hash.js';

/** Bound of the set of pre-verified tracing codes; cleared when exceeded (they are re-verified). */
export const MAX_PREVERIFIED = 200_000;

export interface PreverifyDeps {
  ctx: Pick<BlockContext, 'contracts'>;
  pool: Pick<VerifyPool, 'verifyBatch'>;
  mempool: Mempool;
  preverified: Set<string>;
}

export async function preverifyEnvelopes(envelopes: Uint8Array[], d: PreverifyDeps): Promise<void> {
  const ids: string[] = [];
  const items: VerifyItem[] = [];
  for (const bytes of envelopes) {
    const id = hex(envelopeTracingCode(bytes));
    if (d.mempool.has(id) || d.preverified.has(id)) continue;
    try {
      const key = signerPublicKey(d.ctx.contracts, decodeEnvelope(bytes).signerKeyId);
      if (key === undefined) continue;
      items.push({
        publicKey: key,
        message: envelopeSignedRegion(bytes),
        signature: envelopeSignature(bytes),
      });
      ids.push(id);
    } catch {
      // Malformed: block validation reports it.
    }
  }
  if (items.length === 0) return;
  const ok = await d.pool.verifyBatch(items);
  if (d.preverified.size + ids.length > MAX_PREVERIFIED) d.preverified.clear();
  ids.forEach((id, i) => {
    if (ok[i] === true) d.preverified.add(id);
  });
}
