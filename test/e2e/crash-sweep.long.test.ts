// The crash-point sweep (e2e/crash-sweep.ts, `bkdms e2e crash-sweep`): for each failpoint of the
// commit and persist path, node 1 dies there under load, is started again and must recover its
// store, keep every committed envelope and catch up, with no evidence of a double vote anywhere.
// The platform's point, on each database back end: the platform dies inside a block's
// transaction, is started again and stores every committed upload exactly once.
import { describe, expect, it } from 'vitest';
import { crashSweepManifests } from '../../e2e/crash-sweep.js';
import { runManifest } from '../../e2e/runner.js';
import { FAILPOINTS, PLATFORM_FAILPOINTS } from '../../runtime/failpoints.js';
import { expectCrashSurvived } from '../support/crash-checks.js';

describe('e2e crash-point sweep', () => {
  for (const m of crashSweepManifests())
    it(`${m.name}: dies at the point, recovers, catches up, nothing lost`, async () => {
      const r = await runManifest(m, { log: process.env.BKDMS_E2E_LOG ? console.log : undefined });
      const rec = expectCrashSurvived(r);
      if (rec?.platform) {
        // Died inside a block's transaction, yet that block is stored once with the rest.
        expect(rec.crash?.height).toBeGreaterThan(0);
        expect(r.platform?.ok).toBe(true);
        expect(r.platform?.counts.committed).toBeGreaterThan(0);
        expect(r.platform?.counts.stored).toBe(r.platform?.counts.committed);
        expect(r.platformCaughtUpMs).toBeGreaterThanOrEqual(0);
      } else expect(r.caughtUpMs[1]).toBeGreaterThanOrEqual(0);
    }, 600_000);

  it("covers every failpoint, the platform's on both back ends", () => {
    expect(crashSweepManifests().map((m) => m.name)).toEqual([
      ...FAILPOINTS.map((p) => `crash-${p}`),
      ...PLATFORM_FAILPOINTS.flatMap((p) => [`crash-${p}`, `crash-${p}-server`]),
    ]);
  });
});
