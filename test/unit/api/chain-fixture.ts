// A small genuine chain for the verification tests: four validator keys, one block of five
// envelopes with a real Merkle root, and a commit certificate signed by a quorum.

import type { TraceBundleBytes } from '../../../api/types.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCertifiedBlock, encodeCommitCertificate } from '../../../codec/certificate.js';
import { blockHeaderHashInput, commitSigningBytes } from '../../../codec/signing.js';
import type { BlockHeader, CommitCertificate } from '../../../codec/types.js';
import { validatorSetHash } from '../../../crypto/certificate.js';
import { ed25519FromSeed, sign } from '../../../crypto/ed25519.js';
import { sha256, tracingCode } from '../../../crypto/hash.js';
import { MerkleTree } from '../../../crypto/merkle.js';
import { bytes } from './fake-node.js';

export const chainId = bytes(32, 0xcc);
export const validatorKeys = [1, 2, 3, 4].map((i) => ed25519FromSeed(bytes(32, i)));
export const validators = validatorKeys.map((k) => k.publicKey);

/** Envelope-shaped bytes: version 1, kind upload, the chain ID at offset 2, padding after. */
export function fakeEnvelope(fill: number, chain = chainId): Uint8Array {
  const b = new Uint8Array(140).fill(fill);
  b[0] = 1;
  b[1] = 1;
  b.set(chain, 2);
  return b;
}

export interface Fixture {
  height: number;
  header: BlockHeader;
  envelopes: Uint8Array[];
  certificate: CommitCertificate;
  certifiedBlock: Uint8Array;
  trace(index: number): TraceBundleBytes;
}

export function makeBlock(
  height: number,
  signers = [0, 1, 2],
  envelopes = [1, 2, 3, 4, 5].map((i) => fakeEnvelope(i)),
  chain = chainId,
): Fixture {
  const codes = envelopes.map(tracingCode);
  const tree = new MerkleTree(codes);
  const header: BlockHeader = {
    chainId: chain,
    height,
    view: 0,
    time: 1_700_000_000_000 + height,
    parentHash: bytes(32, height - 1),
    txRoot: tree.root(),
    txCount: envelopes.length,
    stateRoot: bytes(32, 0x55),
    validatorSetHash: validatorSetHash(validators),
    proposer: 0,
    hashLogRoot: bytes(32, 0x66),
  };
  const headerBytes = encodeBlockHeader(header);
  const blockHash = sha256(blockHeaderHashInput(headerBytes));
  const vote = commitSigningBytes(chain, 0, height, blockHash);
  const certificate: CommitCertificate = {
    height,
    view: 0,
    blockHash,
    signatures: signers.map((v) => ({ validator: v, signature: sign(validatorKeys[v]!, vote) })),
  };
  const certifiedBlock = encodeCertifiedBlock({ block: { header, envelopes }, certificate });
  const certBytes = encodeCommitCertificate(certificate);
  return {
    height,
    header,
    envelopes,
    certificate,
    certifiedBlock,
    trace: (index) => ({
      envelope: envelopes[index]!,
      header: headerBytes,
      leafIndex: index,
      proof: tree.inclusionProof(index).path,
      certificate: certBytes,
      height,
    }),
  };
}
