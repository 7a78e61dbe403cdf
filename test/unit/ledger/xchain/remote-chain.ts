// A remote bkdms chain for the light-client contract tests: real certified headers (Ed25519
// commit certificates, hash-linked, with the block-hash log and real tx roots), a real contract
// state tree holding the validator schedule (so schedule proofs are genuine state proofs), and
// the means to misbehave: conflicting headers of one height signed by the same set.
import { encodeBlockHeader } from '../../../../codec/block.js';
import { encodeCommitCertificate } from '../../../../codec/certificate.js';
import { commitSigningBytes } from '../../../../codec/signing.js';
import { encodeStateProof } from '../../../../codec/state-proof.js';
import type { BlockHeader, ClientHeaderUpdate, RemoteCertifiedHeader } from '../../../../codec/types.js';
import { validatorSetHash } from '../../../../crypto/certificate.js';
import { type Ed25519KeyPair, ed25519FromSeed, sign } from '../../../../crypto/ed25519.js';
import { sha256, tracingCode } from '../../../../crypto/hash.js';
import { MerkleTree } from '../../../../crypto/merkle.js';
import { encodeInclusionProof } from '../../../../crypto/merkle-proof-codec.js';
import { canonicalJson } from '../../../../ledger/state.js';
import { StateRootTree } from '../../../../ledger/state-root.js';
import { remoteBlockHash } from '../../../../ledger/xchain/remote-header.js';

const enc = new TextEncoder();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function keys(from: number, n: number): Ed25519KeyPair[] {
  return Array.from({ length: n }, (_, i) => ed25519FromSeed(new Uint8Array(32).fill(from + i)));
}

export interface RemoteBlock extends RemoteCertifiedHeader {
  height: number;
  decoded: BlockHeader;
  envelopes: Uint8Array[];
  hash: Uint8Array;
}

export class RemoteChain {
  readonly chainId: Uint8Array;
  /** Every {activateAt, keys} of the remote validator schedule. */
  readonly schedule: { activateAt: number; keys: Ed25519KeyPair[] }[];
  readonly blocks: RemoteBlock[] = [];
  /** Block-hash log leaves: the chain ID, then each block's hash. */
  private readonly leaves: Uint8Array[];
  readonly state = new StateRootTree();

  constructor(
    name: string,
    genesisSet: Ed25519KeyPair[],
    /** Time of block 1; each block is one second later. */
    readonly startTime: number,
  ) {
    this.chainId = sha256(enc.encode(name));
    this.schedule = [{ activateAt: 0, keys: genesisSet }];
    this.leaves = [this.chainId];
    this.writeSchedule();
    this.state.set('remote/data', enc.encode('{"pm25":12}'));
  }

  private writeSchedule(): void {
    const json = this.schedule.map((s) => ({
      activateAt: s.activateAt,
      value: s.keys.map((k) => hex(k.publicKey)),
    }));
    this.state.set('gov/validators', enc.encode(canonicalJson(json)));
  }

  setAt(height: number): Ed25519KeyPair[] {
    let found = this.schedule[0]!.keys;
    for (const s of this.schedule) if (s.activateAt <= height) found = s.keys;
    return found;
  }

  /** Schedules a new set, as a governance setValidators executed on the remote chain would. */
  scheduleSet(activateAt: number, set: Ed25519KeyPair[]): void {
    this.schedule.push({ activateAt, keys: set });
    this.schedule.sort((a, b) => a.activateAt - b.activateAt);
    this.writeSchedule();
  }

  get height(): number {
    return this.blocks.length;
  }

  /** Builds header `height` (default: the next) without appending it; `signers` index the set. */
  header(
    opts: {
      height?: number;
      signers?: number[];
      fill?: number;
      time?: number;
      set?: Ed25519KeyPair[];
      /** Keys that sign in place of the set's (a forgery): the header still names the set. */
      signWith?: Ed25519KeyPair[];
    } = {},
  ): RemoteBlock {
    const height = opts.height ?? this.height + 1;
    const envelopes = [1, 2, 3].map((i) =>
      new Uint8Array(64).fill((height * 7 + i + (opts.fill ?? 0)) & 0xff),
    );
    const tree = new MerkleTree(envelopes.map(tracingCode));
    const set = opts.set ?? this.setAt(height);
    const decoded: BlockHeader = {
      chainId: this.chainId,
      height,
      view: 0,
      time: opts.time ?? this.startTime + (height - 1) * 1000,
      parentHash: this.leaves[height - 1] ?? new Uint8Array(32).fill(0xee),
      txRoot: tree.root(),
      txCount: envelopes.length,
      stateRoot: this.state.root(),
      validatorSetHash: validatorSetHash(set.map((k) => k.publicKey)),
      proposer: 0,
      hashLogRoot: new MerkleTree(this.leaves.slice(0, height)).root(),
    };
    const header = encodeBlockHeader(decoded);
    const hash = remoteBlockHash(header);
    const vote = commitSigningBytes(this.chainId, 0, height, hash);
    const quorum = Math.floor((2 * set.length) / 3) + 1;
    const signers = opts.signers ?? Array.from({ length: quorum }, (_, i) => i);
    const certificate = encodeCommitCertificate({
      height,
      view: 0,
      blockHash: hash,
      signatures: signers.map((v) => ({ validator: v, signature: sign((opts.signWith ?? set)[v]!, vote) })),
    });
    return { height, header, certificate, decoded, envelopes, hash };
  }

  /** Appends the next block. */
  advance(n = 1): RemoteBlock {
    for (let i = 0; i < n; i++) {
      const b = this.header();
      this.blocks.push(b);
      this.leaves.push(b.hash);
    }
    return this.blocks[this.blocks.length - 1]!;
  }

  block(height: number): RemoteBlock {
    return this.blocks[height - 1]!;
  }

  update(b: RemoteBlock, withSchedule = false): ClientHeaderUpdate {
    const scheduleProof = withSchedule
      ? encodeStateProof(this.stateProofAt(b, 'gov/validators'))
      : new Uint8Array(0);
    return { header: b.header, certificate: b.certificate, scheduleProof };
  }

  /** A state proof of `key` against block b's stateRoot; valid while the state has not changed since b was built. */
  stateProofAt(_b: RemoteBlock, key: string) {
    return this.state.proof(key);
  }

  /** Inclusion of envelope `index` of block `at` under the consensus state at height `anchor`. */
  envelopeProof(at: number, index: number, anchor: number) {
    const b = this.block(at);
    const codes = b.envelopes.map(tracingCode);
    const tx = new MerkleTree(codes).inclusionProof(index);
    const log =
      at === anchor
        ? new Uint8Array(0)
        : encodeInclusionProof(new MerkleTree(this.leaves.slice(0, anchor)).inclusionProof(at));
    return {
      kind: 'envelope' as const,
      header: b.header,
      logProof: log,
      tracingCode: codes[index]!,
      txProof: encodeInclusionProof(tx),
    };
  }
}
