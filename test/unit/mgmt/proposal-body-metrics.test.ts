// The proposals-by-reference counters as Prometheus series: read from the driver's counters at
// each scrape, one series per outcome, source and failure reason, present (at 0) from the start.
import { describe, expect, it } from 'vitest';
import { sumLabelled } from '../../../devnet/load/node-metrics.js';
import { createNodeMetrics, registerProposalBodyMetrics } from '../../../node/mgmt/metrics.js';

const zero = {
  whole: 0,
  backlog: 0,
  fetched: 0,
  dropped: 0,
  envelopesFetched: 0,
  envelopesFromBacklog: 0,
  exchanges: 0,
  timeouts: 0,
  failures: 0,
  forged: 0,
  waitMs: 0,
  served: 0,
  envelopesServed: 0,
};

describe('proposal body metrics', () => {
  it('exports every counter, labelled, as the driver counts it at scrape time', async () => {
    const stats = { ...zero };
    const m = createNodeMetrics({ processMetrics: false, labels: { node: '1' } });
    registerProposalBodyMetrics(m, () => stats);
    let text = await m.registry.metrics();
    expect(text).toContain('bkdms_proposal_bodies_exchanges_total{node="1"} 0');
    expect(text).toContain('bkdms_proposals_by_reference_total{outcome="dropped",node="1"} 0');
    Object.assign(stats, {
      whole: 5,
      backlog: 2,
      fetched: 3,
      dropped: 1,
      envelopesFetched: 4000,
      envelopesFromBacklog: 700,
      exchanges: 6,
      timeouts: 2,
      failures: 1,
      forged: 1,
      waitMs: 4500,
      served: 9,
      envelopesServed: 1234,
    });
    text = await m.registry.metrics();
    const at = (name: string, label: string, value: string) => sumLabelled(text, name, label, value);
    expect(at('bkdms_proposals_by_reference_total', 'outcome', 'whole')).toBe(5);
    expect(at('bkdms_proposals_by_reference_total', 'outcome', 'backlog')).toBe(2);
    expect(at('bkdms_proposals_by_reference_total', 'outcome', 'fetched')).toBe(3);
    expect(at('bkdms_proposals_by_reference_total', 'outcome', 'dropped')).toBe(1);
    expect(at('bkdms_proposal_bodies_envelopes_total', 'source', 'fetched')).toBe(4000);
    expect(at('bkdms_proposal_bodies_envelopes_total', 'source', 'backlog')).toBe(700);
    expect(at('bkdms_proposal_bodies_exchange_failures_total', 'reason', 'timeout')).toBe(2);
    expect(at('bkdms_proposal_bodies_exchange_failures_total', 'reason', 'error')).toBe(1);
    expect(at('bkdms_proposal_bodies_exchange_failures_total', 'reason', 'forged')).toBe(1);
    expect(text).toContain('bkdms_proposal_bodies_exchanges_total{node="1"} 6');
    expect(text).toContain('bkdms_proposal_bodies_wait_seconds_total{node="1"} 4.5');
    expect(text).toContain('bkdms_proposal_bodies_served_total{node="1"} 9');
    expect(text).toContain('bkdms_proposal_bodies_envelopes_served_total{node="1"} 1234');
  });
});
