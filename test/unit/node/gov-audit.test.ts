// The node's governance audit: a committed block's opened and closed proposals and membership
// changes become events, `audit` log lines and counters, each exactly once.
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../crypto/bytes.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { GovernanceAudit, type GovernanceEvent } from '../../../node/gov-audit.js';
import { createNodeMetrics } from '../../../node/mgmt/metrics.js';
import { loggerFrom } from '../../../runtime/log.js';
import { Harness } from '../ledger/helpers.js';
import { KPIS, site } from '../store/fixtures.js';

describe('governance audit', () => {
  it('reports a proposal opened, then executed with the site it added, once each', async () => {
    const h = new Harness({ threshold: 2 });
    const [a0, a1] = h.chain.admins;
    const metrics = createNodeMetrics({ processMetrics: false });
    const lines: string[] = [];
    const audit = new GovernanceAudit({
      state: h.contracts.state,
      log: loggerFrom((level, msg) => lines.push(`${level} ${msg}`)),
      metrics,
    });
    const events: GovernanceEvent[] = [];
    audit.on((e) => events.push(e));
    const s = site(9);
    const p = h.propose(a0!, {
      type: 'registerSite',
      publicKey: s.key.publicKey,
      ...s.routing,
      kpiCodes: KPIS,
    });
    const commit = (envelopes: Uint8Array[]) => {
      h.run(envelopes);
      audit.committed({ header: { height: h.height, time: 1_000_000 + h.height }, envelopes } as never);
    };
    commit([p]);
    commit([h.approve(a1!, p)]);
    commit([]);
    expect(events.map((e) => e.type)).toEqual(['proposed', 'closed', 'membership']);
    expect(events[2]).toMatchObject({
      kind: 'site',
      op: 'enter',
      id: toHex(keyIdOf(s.key.publicKey)),
      height: 2,
      time: 1_000_002,
    });
    expect(lines).toEqual([
      'info governance proposal opened',
      'info governance proposal executed',
      'info membership change: site enter',
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('bkdms_governance_proposals_total{action="registerSite",outcome="proposed"} 1');
    expect(text).toContain('bkdms_governance_proposals_total{action="registerSite",outcome="executed"} 1');
    expect(text).toContain('bkdms_membership_changes_total{kind="site",op="enter"} 1');
  });
});
