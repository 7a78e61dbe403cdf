// Manifests reproducing the faults found from outside (docs/reliability.md): a SIGSTOPped primary,
// a tarpit peer (its links accept and never answer), one node restarted several times (the view it
// must adopt), a node that starts late (state transfer), a disconnect and slow links. Each run
// checks every invariant on every node; see test/e2e/ci.test.ts for the short CI set. Then one
// Byzantine validator per mode of the test kit.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../e2e/manifest.js';
import { runManifest } from '../../e2e/runner.js';

async function run(name: string) {
  const m = readManifest(join(import.meta.dirname, '../../e2e/manifests', `${name}.json`));
  const r = await runManifest(m, { log: process.env.BKDMS_E2E_LOG ? console.log : undefined });
  expect(r.failures, `kept in ${r.dir}`).toEqual([]);
  expect(r.set?.counts.committed).toBeGreaterThan(0);
  return r;
}

describe('e2e fault reproductions', () => {
  it('a SIGSTOPped primary: the others change view; it catches up when continued', async () => {
    const r = await run('frozen-primary');
    const frozen = r.perturbations.find((p) => p.primaryView !== undefined);
    expect(Math.min(...r.views)).toBeGreaterThan(frozen!.primaryView!);
  }, 300_000);

  it('a tarpit peer: its links accept and never answer for 10 s', async () => {
    const r = await run('tarpit-peer');
    expect(r.caughtUpMs[1]).toBeGreaterThanOrEqual(0);
  }, 300_000);

  it('a node restarted several times adopts the view of the others', async () => {
    const r = await run('restart-many');
    expect(new Set(r.views).size).toBe(1);
  }, 400_000);

  it('a node started late catches up by state transfer', async () => {
    const r = await run('late-start');
    expect(r.perturbations.find((p) => p.kind === 'late-start')?.endedAt).toBeDefined();
  }, 300_000);

  it('a disconnected node and slow links', async () => {
    await run('disconnect-delay');
  }, 300_000);
});

// f = 1 Byzantine validator of 4, a real node process in a test-kit mode (testkit/byzantine.ts):
// the honest three keep committing, no fork, nothing lost, and the provable modes leave evidence.
describe('e2e Byzantine validators', () => {
  it('an equivocating primary: two PRE-PREPAREs for one slot; evidence recorded, a view change, no fork', async () => {
    const r = await run('byz-equivocate');
    expect(r.evidence.slice(1).some((n) => n > 0)).toBe(true);
    expect(Math.min(...r.views.slice(1))).toBeGreaterThan(0);
  }, 400_000);

  it('a replica that double-votes: evidence against it, the chain goes on', async () => {
    const r = await run('byz-double-vote');
    expect(r.evidence.filter((_, i) => i !== 1).some((n) => n > 0)).toBe(true);
  }, 400_000);

  it('a replica that votes for a wrong digest', async () => {
    await run('byz-wrong-digest');
  }, 400_000);

  it('a primary sending bad signatures and malformed messages is replaced', async () => {
    const r = await run('byz-garbage');
    expect(Math.min(...r.views.slice(1))).toBeGreaterThan(0);
  }, 400_000);

  it('a primary that withholds its votes is replaced', async () => {
    const r = await run('byz-withhold');
    expect(Math.min(...r.views.slice(1))).toBeGreaterThan(0);
  }, 400_000);

  it("a primary that censors one site is replaced; the site's envelopes commit within the bound", async () => {
    const r = await run('byz-censor');
    expect(Math.min(...r.views.slice(1))).toBeGreaterThan(0);
    expect(r.byzantine?.latency?.[0]?.committed).toBeGreaterThan(0);
  }, 400_000);

  it('a node flooding garbage and oversized messages is penalized by every honest node', async () => {
    const r = await run('byz-flood');
    const onFlooder = r.byzantine?.penalties?.filter((p) => p.peer === 3) ?? [];
    expect(onFlooder.map((p) => p.node).sort()).toEqual([0, 1, 2]);
  }, 400_000);

  it('a node replaying its old consensus messages changes nothing', async () => {
    const r = await run('byz-replay');
    expect(r.evidence).toEqual([0, 0, 0, 0]);
  }, 400_000);
});

// A node whose state snapshots diverge (testkit `divergent-snapshot`): the honest nodes compare
// snapshot hashes with their peers and raise the snapshot-divergence alarm about it (the alarms
// invariant requires it on every honest node), and about no one else.
describe('e2e snapshot divergence', () => {
  it('a node writing divergent snapshots raises snapshot-divergence on every honest node', async () => {
    const r = await run('byz-divergent-snapshot');
    for (const a of r.alarms) expect(a.raised).toContain('snapshot-divergence:peer-3');
    expect(r.alarms.map((a) => a.node)).toEqual([0, 1, 2]);
  }, 400_000);
});
