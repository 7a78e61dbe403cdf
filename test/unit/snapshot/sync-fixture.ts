// A chain of certified headers around snapshots, and in-memory peers serving the snapshot
// protocol from real snapshot files, for the state-sync tests.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import { blockHeaderHashInput, commitSigningBytes } from '../../../codec/signing.js';
import { encodeStateProof } from '../../../codec/state-proof.js';
import type { BlockHeader } from '../../../codec/types.js';
import { validatorSetHash } from '../../../crypto/certificate.js';
import { ed25519FromSeed, sign } from '../../../crypto/ed25519.js';
import { sha256 } from '../../../crypto/hash.js';
import { frontierSubtrees, LogFrontier } from '../../../crypto/hash-log.js';
import { genesisState } from '../../../ledger/genesis.js';
import { buildSnapshot } from '../../../ledger/snapshot.js';
import type { ContractState } from '../../../ledger/state.js';
import { StateRootTree } from '../../../ledger/state-root.js';
import { SnapshotFiles } from '../../../node/snapshot/snapshot-files.js';
import { SnapshotServer } from '../../../node/snapshot/snapshot-server.js';

export const chainId = new Uint8Array(32).fill(0xcc);
export const keys = [1, 2, 3, 4].map((i) => ed25519FromSeed(new Uint8Array(32).fill(i)));
export const validators = keys.map((k) => k.publicKey);

/** The state at a height: the genesis state (validators and all) plus `extra` sites. */
export function stateWith(extra: number): ContractState {
  const { state } = genesisState({
    chainId,
    validators,
    admins: [validators[0] as Uint8Array],
    threshold: 1,
    sites: [],
    scpKeys: [],
    params: { periodMs: 1000, maxBlockEnvelopes: 100, maxBlockBytes: 1 << 20, viewTimeoutMs: 3000 },
  });
  for (let i = 0; i < extra; i++) state.put(`test/${i}`, { i });
  state.flush();
  return state;
}

/** A block-hash log frontier over blocks 0..height (made-up subtree hashes) and its root. */
export function frontierAt(height: number): { hashes: Uint8Array[]; root: Uint8Array } {
  const hashes = frontierSubtrees(height + 1).map((_, i) => new Uint8Array(32).fill(0x70 + i));
  return { hashes, root: LogFrontier.of(height + 1, hashes).root() };
}

export function certified(
  height: number,
  parentHash: Uint8Array,
  stateRoot: Uint8Array,
  hashLogRoot: Uint8Array = new Uint8Array(32).fill(0x66),
) {
  const header: BlockHeader = {
    chainId,
    height,
    view: 0,
    time: 1_700_000_000_000 + height,
    parentHash,
    txRoot: new Uint8Array(32),
    txCount: 0,
    stateRoot,
    validatorSetHash: validatorSetHash(validators),
    proposer: 0,
    hashLogRoot,
  };
  const bytes = encodeBlockHeader(header);
  const hash = sha256(blockHeaderHashInput(bytes));
  const vote = commitSigningBytes(chainId, 0, height, hash);
  const certificate = encodeCommitCertificate({
    height,
    view: 0,
    blockHash: hash,
    signatures: [0, 1, 2].map((v) => ({ validator: v, signature: sign(keys[v] as (typeof keys)[0], vote) })),
  });
  return { bytes, hash, certificate };
}

export interface Chain {
  height: number;
  state: ContractState;
  headers: Map<number, ReturnType<typeof certified>>;
}

/** Headers `height` and `height + 1` around the state after `height`. */
export function chainAt(height: number, state: ContractState): Chain {
  const h = certified(height, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
  const h1 = certified(height + 1, h.hash, state.root(), frontierAt(height).root);
  return {
    height,
    state,
    headers: new Map([
      [height, h],
      [height + 1, h1],
    ]),
  };
}

export type Handler = (req: Uint8Array) => Promise<Uint8Array>;

/** A peer serving `served` (the snapshot of that state) with `chain`'s headers. */
export async function peerOf(chain: Chain, served: ContractState = chain.state): Promise<Handler> {
  const dir = await mkdtemp(join(tmpdir(), 'bkdms-peer-'));
  const files = await SnapshotFiles.open(dir, 4);
  const h = chain.headers.get(chain.height) as ReturnType<typeof certified>;
  await files.write(buildSnapshot(served.entries(), { chainId, height: chain.height, blockHash: h.hash }));
  const h1 = chain.headers.get(chain.height + 1) as ReturnType<typeof certified>;
  const tree = new StateRootTree();
  for (const [k, v] of chain.state.entries()) tree.set(k, v);
  const server = new SnapshotServer({
    files,
    store: {
      getHeader: async (n) => (chain.headers.get(n) as { bytes: Uint8Array }).bytes,
      getCertificate: async (n) => (chain.headers.get(n) as { certificate: Uint8Array }).certificate,
      hashLogFrontier: async (size) => frontierAt(size - 1).hashes,
      // The genesis set is never changed on this chain.
      validatorChange: async () => undefined,
    },
    prove: async () => ({
      proof: {
        header: h1.bytes,
        certificate: h1.certificate,
        buckets: [encodeStateProof(tree.proof('gov/validators'))],
      },
    }),
  });
  return server.handle;
}
