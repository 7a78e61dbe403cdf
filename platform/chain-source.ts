// What the platform needs from the chain, as a small interface: the block stream, single blocks
// and trace bundles. api/'s BkdmsClient provides it; tests use a fake over genuine certified blocks.
// Nothing a source returns is trusted: callers verify it against the validator set they track.
import type { BkdmsClient } from '../api/client.js';
import type { TraceBundleBytes } from '../api/types.js';

export interface ChainBlock {
  height: number;
  /** Encoded CertifiedBlock. */
  certifiedBlock: Uint8Array;
}

export interface ChainSource {
  /** Certified blocks from `fromHeight` on, in order, until `signal` aborts. */
  blocks(fromHeight: number, signal?: AbortSignal): AsyncIterable<ChainBlock>;
  getBlock(height: number): Promise<Uint8Array>;
  trace(tracingCode: Uint8Array): Promise<TraceBundleBytes>;
}

export function clientSource(client: BkdmsClient): ChainSource {
  return {
    blocks: (from, signal) => client.subscribeBlocks(from, signal),
    getBlock: (h) => client.getBlock(h),
    trace: (tc) => client.trace(tc),
  };
}
