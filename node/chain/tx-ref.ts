// One in-memory form of an envelope's identity, built once where the envelope enters the node
// (admission; envelopes in blocks are hashed once by node/chain/tx-hash.ts) and carried from
// there: the bytes, the 32-byte tracing code the consensus core's request table and the block's
// tx root use, and its hex form, the key of the mempool and of every map keyed by envelope.
// Hex is made once here; nothing downstream parses it back into bytes.
import type { Hash32 } from '../../codec/types.js';
import { toHex } from '../../crypto/bytes.js';
import { envelopeTracingCode } from './tx-hash.js';

export interface TxRef {
  readonly bytes: Uint8Array;
  /** Tracing code: SHA-256 of the envelope bytes. */
  readonly code: Hash32;
  /** The tracing code in hex: map key, and the form logs, JSON and the RPC show. */
  readonly key: string;
}

/** The reference of an envelope, hashing it unless its code is remembered already. */
export function txRefOf(bytes: Uint8Array): TxRef {
  const code = envelopeTracingCode(bytes);
  return { bytes, code, key: toHex(code) };
}
