// The proofs a FakeLedger hands out, made the way a real chain makes them: blocks of committed
// envelopes certified by a quorum of four test validators (so traces verify), and proven state
// reads against a certified header over a state-root tree holding the SCP directory, the site's
// registration and replay window, and the validator schedule. The header of a proven read is a
// fresh one above every block, so a light client following it has proven every trace height.
import type { StateProofBytes, TraceBundleBytes } from '../../../api/types.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import { blockHeaderHashInput, commitSigningBytes } from '../../../codec/signing.js';
import { encodeStateProof } from '../../../codec/state-proof.js';
import type { BlockHeader, CommitCertificate } from '../../../codec/types.js';
import { validatorSetHash } from '../../../crypto/certificate.js';
import { ed25519FromSeed, sign } from '../../../crypto/ed25519.js';
import { sha256, tracingCode } from '../../../crypto/hash.js';
import { MerkleTree, merkleRoot } from '../../../crypto/merkle.js';
import { StateRootTree } from '../../../ledger/state-root.js';

const keys = [1, 2, 3, 4].map((i) => ed25519FromSeed(new Uint8Array(32).fill(0x70 + i)));
const enc = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Certified {
  header: Uint8Array;
  certificate: Uint8Array;
}

export class FakeProofs {
  readonly validators = keys.map((k) => k.publicKey);
  readonly state = new StateRootTree();
  private readonly blocks: { envelopes: Uint8Array[]; certified: Certified }[] = [];
  /** tracing code hex -> [height, index]. */
  private readonly where = new Map<string, [number, number]>();

  constructor(readonly chainId: Uint8Array) {
    this.put('gov/validators', [{ activateAt: 0, value: this.validators.map(hex) }]);
  }

  put(key: string, value: unknown): void {
    this.state.set(key, enc.encode(JSON.stringify(value)));
  }

  get height(): number {
    return this.blocks.length;
  }

  private certify(height: number, txRoot: Uint8Array, txCount: number): Certified {
    const header: BlockHeader = {
      chainId: this.chainId,
      height,
      view: 0,
      time: 1_700_000_000_000 + height,
      parentHash: new Uint8Array(32),
      txRoot,
      txCount,
      stateRoot: this.state.root(),
      validatorSetHash: validatorSetHash(this.validators),
      proposer: 0,
      // Sites never read the block-hash log: any root will do.
      hashLogRoot: new Uint8Array(32),
    };
    const bytes = encodeBlockHeader(header);
    const blockHash = sha256(blockHeaderHashInput(bytes));
    const vote = commitSigningBytes(this.chainId, 0, height, blockHash);
    const certificate: CommitCertificate = {
      height,
      view: 0,
      blockHash,
      signatures: [0, 1, 2].map((v) => ({ validator: v, signature: sign(keys[v]!, vote) })),
    };
    return { header: bytes, certificate: encodeCommitCertificate(certificate) };
  }

  /** A block of `envelopes` at the next height. */
  commit(envelopes: Uint8Array[]): void {
    const height = this.blocks.length + 1;
    const codes = envelopes.map(tracingCode);
    for (const [i, c] of codes.entries()) this.where.set(hex(c), [height, i]);
    this.blocks.push({ envelopes, certified: this.certify(height, merkleRoot(codes), codes.length) });
  }

  trace(code: Uint8Array): TraceBundleBytes | undefined {
    const at = this.where.get(hex(code));
    if (at === undefined) return undefined;
    const [height, index] = at;
    const b = this.blocks[height - 1]!;
    return {
      envelope: b.envelopes[index]!,
      header: b.certified.header,
      leafIndex: index,
      proof: new MerkleTree(b.envelopes.map(tracingCode)).inclusionProof(index).path,
      certificate: b.certified.certificate,
      height,
    };
  }

  /** A proven answer for `keys` against a header above every block. */
  prove(keys: string[]): StateProofBytes {
    const c = this.certify(this.blocks.length + 1, merkleRoot([]), 0);
    return { ...c, buckets: keys.map((k) => encodeStateProofOf(this.state, k)) };
  }
}

function encodeStateProofOf(tree: StateRootTree, key: string): Uint8Array {
  return encodeStateProof(tree.proof(key));
}
