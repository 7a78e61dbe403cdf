// A PRE-PREPARE by reference (docs/consensus.md §2.1): the primary sends the header and the
// envelopes' tracing codes; a replica rebuilds the block from the envelopes it holds and the ones
// it fetched, and only then hands the core the whole PRE-PREPARE. Pure: the driver (or the
// simulator) looks envelopes up and fetches them; this says what is missing and checks what came.
// A fetched envelope is kept only if its tracing code is the one the proposal names; a proposal
// whose codes do not match its header's txRoot is the core's to refuse (validateBlock), as any
// bad block.
import type { ProposalRef } from '../codec/proposal-ref.js';
import { type Hash32, MessageType, type PrePrepare } from '../codec/types.js';
import { bytesEqual } from './bytes.js';

export type TxHash = (envelope: Uint8Array) => Hash32;

/** The reference form of a PRE-PREPARE the core signed (same signature: it binds the digest). */
export function proposalRefOf(pp: PrePrepare, txHash: TxHash): ProposalRef {
  const { sender, signature, view, seq, digest, block } = pp;
  return { sender, signature, view, seq, digest, header: block.header, codes: block.envelopes.map(txHash) };
}

export class ProposalAssembly {
  private readonly bodies: (Uint8Array | undefined)[];
  private held = 0;

  constructor(readonly ref: ProposalRef) {
    this.bodies = new Array(ref.codes.length);
  }

  /** Takes the envelopes `lookup` holds (a mempool, by tracing code); returns the indexes still missing. */
  fillFrom(lookup: (code: Hash32) => Uint8Array | undefined): number[] {
    const { codes } = this.ref;
    for (let i = 0; i < codes.length; i++) {
      if (this.bodies[i] !== undefined) continue;
      const e = lookup(codes[i]!);
      if (e !== undefined) {
        this.bodies[i] = e;
        this.held++;
      }
    }
    return this.missing();
  }

  missing(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.bodies.length; i++) if (this.bodies[i] === undefined) out.push(i);
    return out;
  }

  get complete(): boolean {
    return this.held === this.bodies.length;
  }

  /**
   * Envelopes fetched for `indexes`, in that order. All or nothing: false, and nothing kept, when
   * the counts differ or any envelope's tracing code is not the one the proposal names there.
   */
  accept(indexes: readonly number[], envelopes: readonly Uint8Array[], txHash: TxHash): boolean {
    if (indexes.length !== envelopes.length) return false;
    const { codes } = this.ref;
    for (let k = 0; k < indexes.length; k++) {
      const code = codes[indexes[k]!];
      if (code === undefined || !bytesEqual(txHash(envelopes[k]!), code)) return false;
    }
    for (let k = 0; k < indexes.length; k++) {
      const i = indexes[k]!;
      if (this.bodies[i] === undefined) this.held++;
      this.bodies[i] = envelopes[k]!;
    }
    return true;
  }

  /** The whole PRE-PREPARE, once nothing is missing. */
  prePrepare(): PrePrepare | undefined {
    if (!this.complete) return undefined;
    const { sender, signature, view, seq, digest, header } = this.ref;
    const envelopes = this.bodies as Uint8Array[];
    return {
      type: MessageType.PrePrepare,
      sender,
      signature,
      view,
      seq,
      digest,
      block: { header, envelopes },
    };
  }
}
