// One ChainSource over several nodes for the one-shot reads of trace and audit: each read asks the
// nodes in turn and keeps the first answer that verifies against the validator set the platform
// tracks, so a node that is down, or lies, costs a retry rather than a false finding. When no node
// gives a verifying answer, the last answer (or error) is passed on for the caller to report.

import type { TraceBundleBytes } from '../api/types.js';
import { verifyCertifiedBlock, verifyTrace } from '../api/verify.js';
import type { ChainBlock, ChainSource } from './chain-source.js';
import type { ChainState } from './chain-state.js';

async function firstVerified<T>(
  sources: readonly ChainSource[],
  read: (s: ChainSource) => Promise<T>,
  check: (t: T) => void,
): Promise<T> {
  let unverified: { value: T } | undefined;
  let error: unknown = new Error('no chain source');
  for (const s of sources) {
    let value: T;
    try {
      value = await read(s);
    } catch (err) {
      error = err;
      continue;
    }
    try {
      check(value);
      return value;
    } catch {
      unverified ??= { value };
    }
  }
  if (unverified) return unverified.value;
  throw error;
}

export function failoverSource(sources: readonly ChainSource[], ledger: () => ChainState): ChainSource {
  const trust = {
    get chainId() {
      return ledger().chainId;
    },
    validators: (h: number) => ledger().validatorsAt(h),
  };
  return {
    blocks: (from: number, signal?: AbortSignal): AsyncIterable<ChainBlock> =>
      sources[0]!.blocks(from, signal),
    getBlock: (height: number) =>
      firstVerified(
        sources,
        (s) => s.getBlock(height),
        (b) => verifyCertifiedBlock(b, height, trust),
      ),
    trace: (tc: Uint8Array): Promise<TraceBundleBytes> =>
      firstVerified(
        sources,
        (s) => s.trace(tc),
        (b) => verifyTrace(b, tc, trust),
      ),
  };
}
