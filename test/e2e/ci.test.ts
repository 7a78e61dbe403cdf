// The CI set of the end-to-end fault suite (docs/reliability.md): each manifest of
// e2e/manifests/ci-*.json run on real node processes with every invariant checked on every node
// (one tip, same block hashes and state roots, the set checker, verified traces); then an
// equivocating primary and two points of the crash sweep. Sequential, one small cluster at a time.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashSweepManifests, type SweepPoint } from '../../e2e/crash-sweep.js';
import { readManifest } from '../../e2e/manifest.js';
import { type RunReport, runManifest } from '../../e2e/runner.js';
import { expectCrashSurvived } from '../support/crash-checks.js';

/**
 * The sweep's points CI runs: a kill after the index batch (recovery from the block log) and a torn
 * consensus WAL record (no vote lost or signed twice). The whole sweep is `npm run test:long`.
 */
const CI_CRASH_POINTS: readonly SweepPoint[] = ['index-after-batch', 'wal-torn-append'];

const manifest = (name: string) =>
  readManifest(join(import.meta.dirname, '../../e2e/manifests', `${name}.json`));

/** Runs the manifest; a failure names every failed check and the folder kept with the logs. */
async function run(name: string): Promise<RunReport> {
  const r = await runManifest(manifest(name), { log: process.env.BKDMS_E2E_LOG ? console.log : undefined });
  expect(r.failures, `kept in ${r.dir}`).toEqual([]);
  expect(r.ok).toBe(true);
  expect(r.kept).toBe(false);
  expect(r.set?.counts.committed).toBeGreaterThan(0);
  expect(r.traced).toBe((r.set?.counts.committed ?? 0) * 4);
  return r;
}

describe('e2e CI set', () => {
  it('kill: a node and then the primary of the moment killed and restarted under load', async () => {
    const r = await run('ci-kill');
    expect(r.perturbations.filter((p) => p.kind === 'kill' && p.endedAt !== undefined)).toHaveLength(2);
    // The killed primary forced a view change: every node ends in a later view than the one it led.
    const killed = r.perturbations.find((p) => p.primaryView !== undefined);
    expect(killed).toBeDefined();
    expect(Math.min(...r.views)).toBeGreaterThan(killed!.primaryView!);
  }, 300_000);

  it('pause: a backup SIGSTOPped for 8 s catches up after SIGCONT', async () => {
    const r = await run('ci-pause');
    expect(r.caughtUpMs.every((ms) => ms >= 0)).toBe(true);
  }, 300_000);

  it('partition 2+2: nothing commits while split, commits after the heal, no fork', async () => {
    const r = await run('ci-partition');
    const p = r.perturbations.find((x) => x.kind === 'partition');
    expect(p?.stalled).toBeDefined();
    expect(p!.stalled!.healHeight).toBe(p!.stalled!.settledHeight);
    expect(r.tip).toBeGreaterThan(p!.stalled!.healHeight);
  }, 300_000);

  it('an equivocating primary: evidence against it, a view change, no fork', async () => {
    const r = await runManifest(manifest('byz-equivocate'), {
      log: process.env.BKDMS_E2E_LOG ? console.log : undefined,
    });
    expect(r.failures, `kept in ${r.dir}`).toEqual([]);
    expect(r.set?.counts.committed).toBeGreaterThan(0);
    // Node 0 sent two PRE-PREPAREs for its slot: an honest node recorded it, and all moved past its view.
    expect(r.evidence.slice(1).some((n) => n > 0)).toBe(true);
    expect(Math.min(...r.views.slice(1))).toBeGreaterThan(0);
  }, 400_000);

  for (const m of crashSweepManifests({ points: CI_CRASH_POINTS, durationMs: 30_000 }))
    it(`${m.name}: node 1 dies at the point under load, recovers, catches up, nothing lost`, async () => {
      const r = await runManifest(m, { log: process.env.BKDMS_E2E_LOG ? console.log : undefined });
      expectCrashSurvived(r);
      expect(r.caughtUpMs[1]).toBeGreaterThanOrEqual(0);
    }, 400_000);
});
