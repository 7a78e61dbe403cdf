// snapshotInterval through governance: a setParams proposal carrying it (layout 3, action type 14)
// schedules it at its activation height, so every node snapshots at the same heights from there
// on; a later setParams without it keeps it; a value out of range is refused by the contract.
import { describe, expect, it } from 'vitest';
import type { GovernanceAction } from '../../../codec/types.js';
import { ReceiptStatus } from '../../../ledger/execution.js';
import { Reason } from '../../../ledger/reasons.js';
import { MAX_SNAPSHOT_INTERVAL } from '../../../ledger/snapshot-interval.js';
import { validateAction } from '../../../ledger/validate-action.js';
import { DEFAULT_SNAPSHOT_INTERVAL, Snapshotter } from '../../../node/snapshot/snapshotter.js';
import { Harness } from './helpers.js';

const APPLIED = { status: ReceiptStatus.Applied, reason: 0 };
const PARAMS = { periodMs: 500, maxBlockEnvelopes: 10, maxBlockBytes: 100_000, viewTimeoutMs: 2000 };
const setParams = (extra: object, activateAt = 10): GovernanceAction => ({
  type: 'setParams',
  params: { ...PARAMS, ...extra },
  activateAt,
});

/** The heights in 1..to after which a node with these contracts writes a snapshot. */
function snapshotHeights(h: Harness, to: number): number[] {
  const s = new Snapshotter({
    intervalAt: (height) => h.contracts.params(height)?.snapshotInterval,
  } as ConstructorParameters<typeof Snapshotter>[0]);
  const out: number[] = [];
  for (let height = 1; height <= to; height++) if (s.due(height)) out.push(height);
  return out;
}

describe('snapshotInterval as a governed chain parameter', () => {
  it.each([
    ['zero', 0],
    ['above the maximum', MAX_SNAPSHOT_INTERVAL + 1],
    ['not an integer', 2.5],
  ])('refuses a value %s', (_name, n) => {
    expect(validateAction(setParams({ snapshotInterval: n }))).toBe(Reason.InvalidAction);
  });

  it('accepts the ends of the range, with and without the envelope bounds', () => {
    expect(validateAction(setParams({ snapshotInterval: 1 }))).toBe(Reason.None);
    expect(validateAction(setParams({ snapshotInterval: MAX_SNAPSHOT_INTERVAL }))).toBe(Reason.None);
    const bounds = { maxSeqGap: 5000, maxEnvelopeFutureMs: 1000 };
    expect(validateAction(setParams({ ...bounds, snapshotInterval: 7 }))).toBe(Reason.None);
  });

  it('a proposal with an interval out of range reaches the chain and is rejected there', () => {
    const h = new Harness();
    expect(h.run([h.propose(h.chain.admins[0]!, setParams({ snapshotInterval: 0 }))])).toEqual([
      { status: ReceiptStatus.Rejected, reason: Reason.InvalidAction },
    ]);
  });

  it('applies at its activation height; a later setParams without it keeps it', () => {
    const h = new Harness();
    expect(h.contracts.params(5)?.snapshotInterval).toBeUndefined();
    expect(h.enact(setParams({ snapshotInterval: 4 }, 6))).toEqual([APPLIED, APPLIED]);
    expect(h.enact(setParams({ periodMs: 700 }, 14))).toEqual([APPLIED, APPLIED]);
    expect(h.contracts.params(5)?.snapshotInterval).toBeUndefined();
    expect(h.contracts.params(6)?.snapshotInterval).toBe(4);
    expect(h.contracts.params(14)).toEqual({ ...PARAMS, periodMs: 700, snapshotInterval: 4 });
    // Before 6 the default (1,000) is in force: no snapshot; from 6 on, every multiple of 4.
    expect(snapshotHeights(h, 20)).toEqual([8, 12, 16, 20]);
    expect(DEFAULT_SNAPSHOT_INTERVAL).toBeGreaterThan(20);
  });

  it('a second change (with the envelope bounds) takes over at its own height, alike on two nodes', () => {
    const [a, b] = [new Harness(), new Harness()];
    for (const h of [a, b]) {
      h.enact(setParams({ snapshotInterval: 3 }, 5));
      h.enact(setParams({ maxSeqGap: 5000, maxEnvelopeFutureMs: 1000, snapshotInterval: 5 }, 11));
    }
    expect(snapshotHeights(a, 20)).toEqual([6, 9, 15, 20]);
    expect(snapshotHeights(b, 20)).toEqual(snapshotHeights(a, 20));
    expect(a.contracts.params(11)).toEqual(b.contracts.params(11));
  });
});
