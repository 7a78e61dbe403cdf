// The Byzantine manifests' own verdicts (e2e/byzantine-checks.ts): the latency bound per site, the
// penalties of a flooding node, the memory bound, the metrics parser; and the evidence check's
// rule that a node that only replays, censors or floods is accused by no one (e2e/evidence.ts).
import { describe, expect, it } from 'vitest';
import {
  checkLatency,
  checkMemory,
  checkPenalties,
  MIN_FLOOD_REJECTIONS,
  metricValue,
  siteLatencies,
} from '../../../e2e/byzantine-checks.js';
import { checkEvidence } from '../../../e2e/evidence.js';

describe('latency bound', () => {
  const made = new Map([
    ['a', { site: 0, at: 1_000 }],
    ['b', { site: 0, at: 2_000 }],
    ['c', { site: 1, at: 1_000 }],
  ]);
  it('takes the longest wait per site, ignoring envelopes the load never made', () => {
    const lat = siteLatencies(
      made,
      new Map([
        ['a', 1_500],
        ['b', 9_000],
        ['c', 1_200],
        ['x', 99_999],
      ]),
      2,
    );
    expect(lat).toEqual([
      { site: 0, committed: 2, maxMs: 7_000 },
      { site: 1, committed: 1, maxMs: 200 },
    ]);
    expect(checkLatency(lat, 10_000)).toEqual([]);
    expect(checkLatency(lat, 5_000)).toEqual([
      'latency: an envelope of site 0 committed 7000 ms after it was made (bound 5000 ms)',
    ]);
  });
  it('a site with nothing committed (censored for good) fails', () => {
    const lat = siteLatencies(made, new Map([['c', 1_100]]), 2);
    expect(checkLatency(lat, 10_000)).toEqual(['latency: site 0 had no envelope committed']);
  });
});

describe('metrics and penalties', () => {
  const text = [
    '# HELP bkdms_peer_gossip_score x',
    'bkdms_peer_gossip_score{node="0",peer="3"} -42.5',
    'bkdms_peer_gossip_score{node="0",peer="1"} 0',
    'bkdms_peer_gossip_score_extra{peer="3"} 7',
    'bkdms_process_resident_memory_bytes{node="0"} 104857600',
  ].join('\n');
  it('reads a series by name and labels, not a longer name', () => {
    expect(metricValue(text, 'bkdms_peer_gossip_score', { peer: '3' })).toBe(-42.5);
    expect(metricValue(text, 'bkdms_peer_gossip_score', { peer: '1' })).toBe(0);
    expect(metricValue(text, 'bkdms_peer_gossip_score', { peer: '2' })).toBeUndefined();
    expect(metricValue(text, 'bkdms_process_resident_memory_bytes')).toBe(104857600);
  });

  const pen = (node: number, peer: number, rejected: number, minScore: number) => ({
    node,
    peer,
    rejected,
    minScore,
  });
  it('a flooding node must be rejected often and scored below zero on every honest node', () => {
    const good = [pen(0, 3, 500, -80), pen(0, 1, 0, 0), pen(1, 3, 400, -10), pen(1, 0, 2, 0)];
    expect(checkPenalties(good, new Set([3]), [0, 1])).toEqual([]);
    const bad = [pen(0, 3, MIN_FLOOD_REJECTIONS - 1, -5), pen(1, 3, 500, 0)];
    expect(checkPenalties(bad, new Set([3]), [0, 1, 2])).toEqual([
      `penalty: node 0 rejected only ${MIN_FLOOD_REJECTIONS - 1} messages of flooding node 3`,
      'penalty: node 1 never scored flooding node 3 below zero',
      'penalty: node 2 reported nothing about flooding node 3',
    ]);
  });
  it('an honest peer penalized as much as the flooding node is a finding', () => {
    const f = checkPenalties([pen(0, 3, 200, -9), pen(0, 1, 200, 0)], new Set([3]), [0]);
    expect(f).toEqual([
      'penalty: node 0 rejected as many messages of an honest peer (200) as of flooding node 3',
    ]);
  });
  it('memory over the bound, or unknown, fails', () => {
    const mb = 1024 * 1024;
    expect(checkMemory([{ node: 0, bytes: 100 * mb }], 512)).toEqual([]);
    expect(
      checkMemory(
        [
          { node: 0, bytes: 600 * mb },
          { node: 1, bytes: undefined },
        ],
        512,
      ),
    ).toEqual([
      'memory: node 0 holds 600 MiB (bound 512 MiB)',
      'memory: node 1 reported no resident set size',
    ]);
  });
});

describe('evidence against a node that never signs two messages for one slot', () => {
  const keys = ['aa', 'bb', 'cc', 'dd'];
  it('is a finding for replay, censor-site and flood; expected for equivocate', () => {
    const seen = [{ node: 0, kind: 2, offender: 'BB' }];
    for (const mode of ['replay', 'censor-site', 'flood'] as const)
      expect(checkEvidence(seen, keys, new Map([[1, [mode]]]))).toEqual([
        `node 0 recorded evidence (kind 2) against Byzantine node 1, whose modes (${mode}) never sign two messages for one slot`,
      ]);
    expect(checkEvidence([], keys, new Map([[1, ['replay']]]))).toEqual([]);
    expect(checkEvidence(seen, keys, new Map([[1, ['replay', 'equivocate']]]))).toEqual([]);
  });
});
