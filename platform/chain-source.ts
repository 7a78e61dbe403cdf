// What the platform needs from the chain, as a small interface: the block stream, single blocks
// and trace bundles. api/'s BkdmsClient provides it; tests use a fake over genuine certified blocks.
// Nothing a source returns is trusted: callers verify it against the validator set they track.
import { readFileSync } from 'node:fs';
import { BkdmsClient } from '../api/client.js';
import type { TraceBundleBytes } from '../api/types.js';
import type { PlatformConfig } from './config.js';

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

/** One gRPC client per configured node endpoint (TLS with the configured CA, or plaintext). */
export function nodeClients(c: PlatformConfig['chain']): BkdmsClient[] {
  const tls = c.insecure ? ({ insecure: true } as const) : c.tlsCa ? { ca: readFileSync(c.tlsCa) } : {};
  return c.endpoints.map((address) => new BkdmsClient({ address, tls, deadlineMs: c.deadlineMs }));
}
