// A node whose applied contract state is corrupted, for tests of the state-root check
// (docs/operations.md "Test-kit modes"). After it applies the first block at or above the height
// named by BKDMS_TESTKIT_CORRUPT_STATE_FROM, one entry the rest of the chain does not have is
// written into its state, in memory and in the index batch of that block, as a damaged store or
// a non-deterministic contract would leave it. Its blocks and their hashes stay the quorum's, but
// the state root it computes from then on is not the one the next certified headers carry, so
// it must raise state-root-divergence; it also refuses every proposal (their state root is not
// its own) and so commits the others' blocks by state transfer. A node takes this only with the
// test-kit flag.
import type { Contracts } from '../ledger/contracts.js';
import type { ExecutionResult } from '../ledger/execution.js';

/** The environment variable naming the height after whose block the state is corrupted. */
export const CORRUPT_STATE_ENV = 'BKDMS_TESTKIT_CORRUPT_STATE_FROM';

/** The key of the entry only the corrupted node holds (no contract reads it). */
export const CORRUPT_STATE_KEY = 'testkit/corrupted';

/** Parses the height (an integer ≥ 1); throws on anything else. */
export function parseCorruptStateFrom(spec: string): number {
  const h = Number(spec.trim());
  if (spec.trim() === '' || !Number.isSafeInteger(h) || h < 1)
    throw new Error(`${CORRUPT_STATE_ENV}: "${spec}" is not a height (an integer ≥ 1)`);
  return h;
}

/**
 * Makes `contracts` corrupt its state once, right after it applies the first block at or above
 * `from`: the entry joins that block's state changes (so it is persisted with the block and
 * survives a restart) and the state root returned is the corrupted one. Already there (a
 * restart), nothing more is written.
 */
export function corruptStateFrom(contracts: Contracts, from: number): void {
  const apply = contracts.applyBlock.bind(contracts);
  contracts.applyBlock = (block, after): ExecutionResult => {
    const result = apply(block, after);
    const { height } = block.header;
    if (height < from || contracts.state.get(CORRUPT_STATE_KEY) !== undefined) return result;
    contracts.state.put(CORRUPT_STATE_KEY, { afterHeight: height });
    const extra = contracts.state.flush();
    return { ...result, stateChanges: [...result.stateChanges, ...extra], stateRoot: contracts.state.root() };
  };
}
