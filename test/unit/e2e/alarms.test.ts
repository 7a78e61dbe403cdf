// The alarms invariant of the e2e checker: what may stay active after a run, what must have been raised.
import { describe, expect, it } from 'vitest';
import { type AlarmExpectations, type AlarmSeen, checkAlarms, type NodeAlarms } from '../../../e2e/alarms.js';

const alarm = (rule: string, subject: string, peer?: number, state = 'raised'): AlarmSeen => ({
  id: `${rule}:${subject}`,
  rule,
  state,
  location: peer === undefined ? {} : { peer },
  cause: `${rule} about ${subject}`,
});

const node = (n: number, active: AlarmSeen[] = [], history: AlarmSeen[] = []): NodeAlarms => ({
  node: n,
  active,
  history,
});

const quiet: AlarmExpectations = {
  byzantine: new Set(),
  evidence: new Map(),
  divergentSnapshots: new Set(),
  viewChangesCaused: false,
};

describe('e2e alarms invariant', () => {
  it('passes a run whose honest nodes have nothing active', () => {
    expect(checkAlarms([node(0), node(1)], quiet)).toEqual([]);
  });

  it('fails on any active alarm nothing explains: a divergence, a stall, an expiring key', () => {
    const f = checkAlarms(
      [
        node(0, [alarm('block-hash-divergence', 'peer-2', 2)]),
        node(1, [alarm('height-stalled', 'chain'), alarm('scp-key-expiry', 'scp')]),
      ],
      quiet,
    );
    expect(f).toHaveLength(3);
    expect(f[0]).toContain('node 0 still has block-hash-divergence:peer-2 active');
    expect(f[2]).toContain('scp-key-expiry:scp');
  });

  it('an acknowledged alarm is still active', () => {
    expect(checkAlarms([node(0, [alarm('lagging', 'self', undefined, 'acknowledged')])], quiet)).toHaveLength(
      1,
    );
  });

  it('explains equivocation and unreachability about a Byzantine peer, not a divergence from it', () => {
    const e: AlarmExpectations = { ...quiet, byzantine: new Set([3]) };
    expect(
      checkAlarms([node(0, [alarm('equivocation', 'peer-3', 3), alarm('peer-unreachable', 'peer-3', 3)])], e),
    ).toEqual([]);
    expect(checkAlarms([node(0, [alarm('equivocation', 'peer-2', 2)])], e)).toHaveLength(1);
    expect(checkAlarms([node(0, [alarm('block-hash-divergence', 'peer-3', 3)])], e)).toHaveLength(1);
  });

  it('explains a view-change storm only in a run that replaced primaries on purpose', () => {
    const storm = [node(1, [alarm('view-change-storm', 'chain')])];
    expect(checkAlarms(storm, quiet)).toHaveLength(1);
    expect(checkAlarms(storm, { ...quiet, viewChangesCaused: true })).toEqual([]);
  });

  it('requires the equivocation alarm of every node that recorded evidence, active or cleared', () => {
    const e: AlarmExpectations = {
      byzantine: new Set([0]),
      evidence: new Map([
        [1, new Set([0])],
        [2, new Set([0])],
      ]),
      divergentSnapshots: new Set(),
      viewChangesCaused: true,
    };
    const raised = alarm('equivocation', 'peer-0', 0);
    const cleared = alarm('equivocation', 'peer-0', 0, 'cleared');
    expect(checkAlarms([node(1, [raised]), node(2, [], [cleared]), node(3)], e)).toEqual([]);
    const f = checkAlarms(
      [node(1, [raised]), node(2, [], [alarm('equivocation', 'peer-3', 3, 'cleared')])],
      e,
    );
    expect(f).toEqual(['alarm: node 2 recorded evidence against node 0 but raised no equivocation alarm']);
  });

  it('requires a snapshot-divergence alarm about a divergent-snapshot node on every honest node, and explains it', () => {
    const e: AlarmExpectations = { ...quiet, byzantine: new Set([2]), divergentSnapshots: new Set([2]) };
    const div = alarm('snapshot-divergence', 'peer-2', 2);
    expect(checkAlarms([node(0, [div]), node(1, [], [{ ...div, state: 'cleared' }])], e)).toEqual([]);
    expect(checkAlarms([node(0, [div]), node(3)], e)).toEqual([
      'alarm: node 3 raised no snapshot-divergence alarm about node 2, whose snapshots diverge',
    ]);
    // About an honest peer it is a finding, Byzantine mode or not.
    expect(checkAlarms([node(0, [div, alarm('snapshot-divergence', 'peer-1', 1)])], e)).toHaveLength(1);
  });
});
