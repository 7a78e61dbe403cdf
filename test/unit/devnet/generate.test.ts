import { describe, expect, it } from 'vitest';
import { envelopeSeq, envelopeSignerKeyId } from '../../../codec/envelope-view.js';
import { tracingCode } from '../../../crypto/hash.js';
import { generateLoad, tcKey } from '../../../devnet/load/generate.js';
import type { DriverPlan } from '../../../devnet/load/plan.js';

const plan: DriverPlan = {
  rpc: ['a:1', 'b:2'],
  chainIdHex: '11'.repeat(32),
  scpPublicKeyHex: '22'.repeat(32),
  siteSeedsHex: Array.from({ length: 5 }, (_, i) => (i + 1).toString(16).padStart(2, '0').repeat(32)),
  perSite: 6,
  firstSeq: 100,
  mode: { kind: 'open', maxPending: 10 },
  durationMs: 1000,
  warmupMs: 0,
  drainMs: 0,
  batch: 4,
  lanesPerNode: 2,
};

describe('generateLoad', () => {
  const load = generateLoad(plan, 1_700_000_000_000);

  it('deals every envelope into exactly one lane, lanes spread over the nodes', () => {
    expect(load.envelopes).toHaveLength(30);
    const all = load.lanes.flatMap((l) => l.order).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(load.lanes.map((l) => l.node)).toEqual([0, 1, 0, 1]);
  });

  it('keeps each site on one lane with its sequence numbers in increasing order', () => {
    const laneOfSite = new Map<string, number>();
    load.lanes.forEach((lane, l) => {
      const last = new Map<string, number>();
      for (const i of lane.order) {
        const env = load.envelopes[i]!;
        const site = Buffer.from(envelopeSignerKeyId(env)).toString('hex');
        expect(laneOfSite.get(site) ?? l).toBe(l);
        laneOfSite.set(site, l);
        expect(envelopeSeq(env)).toBeGreaterThan(last.get(site) ?? 0);
        last.set(site, envelopeSeq(env));
      }
    });
    expect(laneOfSite.size).toBe(5);
  });

  it('indexes every envelope by its tracing code', () => {
    load.envelopes.forEach((env, i) => {
      expect(load.byTracingCode.get(tcKey(tracingCode(env)))).toBe(i);
    });
  });
});
