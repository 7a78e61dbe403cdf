// Checks, on the verification pool, the signatures of envelopes that arrive inside a proposed block
// (or a NEW-VIEW or a state transfer) without having passed this node's admission, so that the
// core's synchronous block validation finds them already verified instead of blocking the event
// loop on hundreds of signature checks.
import { decodeEnvelope } from '../../codec/envelope.js';
import {
  envelopeSeq,
  envelopeSignature,
  envelopeSignedRegion,
  envelopeSignerKeyId,
} from '../../codec/envelope-view.js';
import type { VerifyItem, VerifyPool } from '../../crypto/verify-pool.js';
import type { BlockContext } from '../block-rules.js';
import type { Mempool } from '../chain/mempool.js';
import { envelopeTracingCode, rememberTracingCode } from '../chain/tx-hash.js';
import { hex } from './admission.js';
import { signerPublicKey } from './authorize.js';

/** Bound of the set of pre-verified tracing codes; cleared when exceeded (they are re-verified). */
export const MAX_PREVERIFIED = 200_000;

export interface PreverifyDeps {
  ctx: Pick<BlockContext, 'contracts'>;
  pool: Pick<VerifyPool, 'verifyBatch'>;
  mempool: Mempool;
  preverified: Set<string>;
}

/**
 * The mempool id of a proposed envelope this node admitted already, found through its (signer,
 * seq) slot and a byte comparison instead of a SHA-256: a proposal's envelopes are new arrays, so
 * the codes tx-hash.ts remembers miss, and re-hashing them was 1-1.6% of a replica's main thread
 * (n = 4 profile). The code is then remembered for the new array too (block validation and the
 * commit ask for it).
 */
function admittedId(bytes: Uint8Array, mempool: Mempool): string | undefined {
  let id: string | undefined;
  try {
    id = mempool.pendingSeq(hex(envelopeSignerKeyId(bytes)), envelopeSeq(bytes));
  } catch {
    return undefined;
  }
  const entry = id === undefined ? undefined : mempool.get(id);
  if (entry === undefined || Buffer.compare(entry.bytes, bytes) !== 0) return undefined;
  rememberTracingCode(bytes, envelopeTracingCode(entry.bytes));
  return id;
}

export async function preverifyEnvelopes(envelopes: Uint8Array[], d: PreverifyDeps): Promise<void> {
  const ids: string[] = [];
  const items: VerifyItem[] = [];
  for (const bytes of envelopes) {
    if (admittedId(bytes, d.mempool) !== undefined) continue;
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
