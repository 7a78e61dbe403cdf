// Contract-state reads for the RPC handlers, plain or proven. A proven read takes every bucket
// proof it needs from one ProvenState snapshot (synchronously, so no commit can interleave), then
// attaches the certified header that commits to that state and the header's commit certificate:
// the client checks the certificate, the header's state root, then the buckets (api/verify-state.ts).
// Cost per call: one bucket per key (a group is one bucket), capped by MAX_STATE_PROOF_BYTES.
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { StateEntryView, StateProofBytes } from '../api/types.js';
import { decodeBlockHeader } from '../codec/block.js';
import { CodecError } from '../codec/errors.js';
import { encodeStateProof, type StateProof } from '../codec/state-proof.js';
import { bytesEqual } from '../crypto/bytes.js';
import type { ContractState } from '../ledger/state.js';
import { isGroupPrefix } from '../ledger/state-root.js';
import { NodeError, NodeErrorCode } from './errors.js';
import type { ProvenState } from './proven-state.js';
import type { Store } from './store/index.js';

const dec = new TextDecoder();

export interface ProvenAnswer {
  /** The state after the block at this height (the proving header's height - 1). */
  height: number;
  proof: StateProofBytes;
  /** Each key's bucket as proven, in the order asked. */
  buckets: StateProof[];
}

/** Entries of a proven bucket for `key`: the key's own entry, or every entry under a group prefix. */
export function entriesFor(key: string, bucket: StateProof): StateEntryView[] {
  const group = isGroupPrefix(key);
  const out: StateEntryView[] = [];
  for (const e of bucket.entries) {
    const k = dec.decode(e.key);
    if (group ? k.startsWith(key) : k === key) out.push({ key: k, value: e.value });
  }
  return out;
}

export class StateReads {
  /** Read at each call: the handlers' dependencies, of which a test may give only some. */
  constructor(
    private readonly d: { store: Store; contracts: { state: ContractState }; proven: ProvenState },
  ) {}

  /** The current (not proven) entries for a key or a group prefix. */
  current(key: string): StateEntryView[] {
    const keys = isGroupPrefix(key) ? this.d.contracts.state.keys(key) : [key];
    const out: StateEntryView[] = [];
    for (const k of keys) {
      const value = this.d.contracts.state.raw(k);
      if (value !== undefined) out.push({ key: k, value });
    }
    return out;
  }

  /** Bucket proofs of `keys` from one certified state, with that state's certified header. */
  async prove(keys: readonly string[]): Promise<ProvenAnswer> {
    const read = this.d.proven.read(keys);
    if (read === undefined)
      throw new NodeError(
        NodeErrorCode.NotReady,
        'no certified header commits to this node state yet: proofs start with the next block',
      );
    let buckets: Uint8Array[];
    try {
      buckets = read.proofs.map(encodeStateProof);
    } catch (err) {
      if (err instanceof CodecError)
        throw new ApiError(ApiErrorCode.Oversized, `the proof exceeds its cap: ${err.detail}`);
      throw err;
    }
    const [header, certificate] = await Promise.all([
      this.d.store.getHeader(read.height),
      this.d.store.getCertificate(read.height),
    ]);
    // A node whose proven copy drifted from its chain must not serve proofs that cannot verify.
    if (!bytesEqual(decodeBlockHeader(header).stateRoot, read.root))
      throw new Error(`proven state does not match the state root of header ${read.height}`);
    return { height: read.height - 1, proof: { header, certificate, buckets }, buckets: read.proofs };
  }
}
