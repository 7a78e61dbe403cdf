// How a node joining by state sync trusts the header that certifies a snapshot. The state after
// block H is committed to by the state root of header H + 1, so that header is what is verified:
// - LightClientAnchor: from the genesis validator set, following every validator-set change
//   through proven "gov/validators" reads (api/light-client.ts), asked of peers over the snapshot
//   protocol: each change the peer's schedule names below its tip from the proof kept of it
//   (CHANGE, validator-changes.ts), then the peer's tip; then the header's commit certificate
//   against the set in force at its height.
// - TrustedHeaderAnchor: an operator's pinned {height, hash} of a header (config); only a snapshot
//   at height - 1 can be used, and the header must hash to the pinned value.
import { LightClient } from '../../api/light-client.js';
import { verifyCertifiedHeader } from '../../api/verify-state.js';
import { decodeBlockHeader } from '../../codec/block.js';
import { blockHeaderHashInput } from '../../codec/signing.js';
import {
  decodeParts,
  encodeSnapshotRequest,
  MAX_VALIDATORS_PROOF_BYTES,
  SnapshotRequestKind,
  VALIDATORS_PROOF_PARTS,
} from '../../codec/snapshot-messages.js';
import type { BlockHeader, Hash32 } from '../../codec/types.js';
import { bytesEqual, toHex } from '../../crypto/bytes.js';
import { sha256 } from '../../crypto/hash.js';
import type { InstalledValidatorChange } from '../store/index.js';
import { SnapshotError, SnapshotErrorCode } from './errors.js';
import { followChanges, type Penalize, scheduleInBucket } from './validator-changes.js';

export interface VerifiedSnapshotHeader {
  header: BlockHeader;
  blockHash: Hash32;
}

/** Asks one peer a snapshot-protocol question (bytes in, bytes out, response capped at maxBytes). */
export type AskPeer = (peer: string, request: Uint8Array, maxBytes: number) => Promise<Uint8Array>;

export interface HeaderAnchor {
  /** Whether a header at this height can be verified at all (a pinned anchor knows one height). */
  usable(headerHeight: number): boolean;
  /** Verifies a certified header; throws SnapshotError UNVERIFIED. */
  verify(
    height: number,
    header: Uint8Array,
    certificate: Uint8Array,
    peers: readonly string[],
    ask: AskPeer,
  ): Promise<VerifiedSnapshotHeader>;
}

const unverified = (msg: string, height: number) =>
  new SnapshotError(SnapshotErrorCode.Unverified, msg, { height });

export class TrustedHeaderAnchor implements HeaderAnchor {
  constructor(private readonly trusted: { height: number; hash: Hash32 }) {}

  usable(headerHeight: number): boolean {
    return headerHeight === this.trusted.height;
  }

  async verify(height: number, header: Uint8Array): Promise<VerifiedSnapshotHeader> {
    const blockHash = sha256(blockHeaderHashInput(header));
    if (height !== this.trusted.height || !bytesEqual(blockHash, this.trusted.hash))
      throw unverified(`header ${height} hashes to ${toHex(blockHash)}, not the trusted hash`, height);
    const decoded = decodeBlockHeader(header);
    if (decoded.height !== height) throw unverified(`header says height ${decoded.height}`, height);
    return { header: decoded, blockHash };
  }
}

export class LightClientAnchor implements HeaderAnchor {
  readonly client: LightClient;
  /** The change proofs the client learned, by activation (installed with the base, state-sync.ts). */
  readonly changes = new Map<number, InstalledValidatorChange>();

  constructor(
    genesis: { chainId: Hash32; validators: readonly Uint8Array[] },
    private readonly penalize: Penalize = () => {},
  ) {
    this.client = new LightClient(genesis);
  }

  usable(): boolean {
    return true;
  }

  async verify(
    height: number,
    header: Uint8Array,
    certificate: Uint8Array,
    peers: readonly string[],
    ask: AskPeer,
  ): Promise<VerifiedSnapshotHeader> {
    // Follow the validator schedule until the header's height is proven; each peer's answer is
    // checked by the light client itself, so a lying peer only costs one round.
    const request = encodeSnapshotRequest({ kind: SnapshotRequestKind.Validators });
    for (const peer of peers) {
      if (this.client.provenHeight >= height) break;
      try {
        const [h, c, bucket] = decodeParts(
          await ask(peer, request, MAX_VALIDATORS_PROOF_BYTES),
          VALIDATORS_PROOF_PARTS,
          'validatorsProof',
        ) as [Uint8Array, Uint8Array, Uint8Array];
        // The peer's schedule, unverified, says which changes lie below its tip: each is learned
        // from its own proof (this peer asked first), so the tip is then certified by a known set.
        const tip = decodeBlockHeader(h).height;
        const learned = await followChanges(
          this.client,
          scheduleInBucket(bucket),
          tip,
          [peer, ...peers.filter((p) => p !== peer)],
          ask,
          this.penalize,
        );
        for (const change of learned) this.changes.set(change.activation, change);
        this.client.accept({ header: h, certificate: c, buckets: [bucket] });
      } catch {
        // Next peer: an unreachable or lying peer cannot move the light client.
      }
    }
    if (this.client.provenHeight < height)
      throw unverified(
        `validator sets proven up to ${this.client.provenHeight} only, header is at ${height}`,
        height,
      );
    try {
      const v = verifyCertifiedHeader(header, certificate, this.client.trust());
      if (v.header.height !== height) throw new Error(`header says height ${v.header.height}`);
      return v;
    } catch (err) {
      throw unverified(`header ${height}: ${(err as Error).message}`, height);
    }
  }
}
