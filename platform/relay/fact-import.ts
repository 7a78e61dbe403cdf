// A fact import: one of chain A's committed envelopes recorded on chain B, proven against a
// consensus state B's light client of A holds. A's node gives the envelope's inclusion evidence
// (its trace: the block header and the tracing code's path under the block's txRoot) and the
// block's place in the block-hash log of the anchor header; B's contract checks all of it. Like
// the relayer, untrusted: it only picks the anchor and assembles the call.
import type { TraceBundleBytes } from '../../api/types.js';
import { decodeBlockHeader } from '../../codec/block.js';
import type { RemoteProof } from '../../codec/types.js';
import { encodeInclusionProof } from '../../crypto/merkle-proof-codec.js';
import type { Relayer } from './relayer.js';

/** What a fact import asks of chain A's node (api/'s BkdmsClient has both). */
export interface FactSource {
  trace(tracingCode: Uint8Array): Promise<TraceBundleBytes>;
  getBlockHashProof(height: number, at: number): Promise<Uint8Array>;
}

export type FactOutcome =
  | { kind: 'frozen'; frozenHeight: number }
  /** No consensus state at or above the envelope's block: a relayer must bring a newer header first. */
  | { kind: 'not-covered'; remoteHeight: number; latestHeight: number }
  /** Submitted against the consensus state at `anchorHeight`: result '' applied, else the reason. */
  | { kind: 'submitted'; remoteHeight: number; anchorHeight: number; result: string };

/** The lowest held height that covers block `height` (its own, or a later one whose log holds it). */
export function anchorFor(heights: readonly number[], height: number): number | undefined {
  return heights.filter((h) => h >= height).sort((a, b) => a - b)[0];
}

/**
 * Builds and submits recordRemoteFact for A's envelope `tracingCode` through `relayer` (B's side).
 * `update`: when the client holds no header that high, have the relayer bring A's newest first.
 */
export async function importFact(
  relayer: Relayer,
  source: FactSource,
  clientId: number,
  tracingCode: Uint8Array,
  update = false,
): Promise<FactOutcome> {
  let { client } = await relayer.client();
  if (client.frozenHeight > 0) return { kind: 'frozen', frozenHeight: client.frozenHeight };
  const trace = await source.trace(tracingCode);
  const block = decodeBlockHeader(trace.header);
  if (update && anchorFor(client.heights, block.height) === undefined) {
    await relayer.step(true);
    ({ client } = await relayer.client());
    if (client.frozenHeight > 0) return { kind: 'frozen', frozenHeight: client.frozenHeight };
  }
  const anchor = anchorFor(client.heights, block.height);
  if (anchor === undefined)
    return { kind: 'not-covered', remoteHeight: block.height, latestHeight: client.latestHeight };
  const proof: RemoteProof = {
    kind: 'envelope',
    header: trace.header,
    logProof:
      anchor === block.height ? new Uint8Array(0) : await source.getBlockHashProof(block.height, anchor),
    tracingCode,
    txProof: encodeInclusionProof({ leafIndex: trace.leafIndex, treeSize: block.txCount, path: trace.proof }),
  };
  const result = await relayer.submit({ type: 'recordRemoteFact', clientId, height: anchor, proof });
  return { kind: 'submitted', remoteHeight: block.height, anchorHeight: anchor, result };
}
