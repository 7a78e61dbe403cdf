// Byzantine nodes and crash points in manifests (e2e/manifest.ts), the sweep's manifests
// (e2e/crash-sweep.ts) and the evidence check run after every run (e2e/evidence.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crashSweepManifests } from '../../../e2e/crash-sweep.js';
import { checkEvidence, evidenceInLog } from '../../../e2e/evidence.js';
import { byzantineNodes, maxFaultyAtOnce, parseManifest } from '../../../e2e/manifest.js';

describe('Byzantine nodes and crash points in manifests', () => {
  it('takes at most f Byzantine nodes, each once, with known modes', () => {
    const m = parseManifest({ name: 'b', byzantine: [{ node: 0, modes: ['equivocate'] }] });
    expect([...byzantineNodes(m)]).toEqual([0]);
    // A Byzantine node is out for the whole run: with one kill on top, two are out at once.
    expect(
      maxFaultyAtOnce(
        parseManifest({
          name: 'b',
          byzantine: [{ node: 0, modes: ['equivocate'] }],
          perturbations: [{ kind: 'kill', atMs: 1000, node: 2 }],
        }),
      ),
    ).toBe(2);
    expect(() =>
      parseManifest({
        name: 'b',
        byzantine: [
          { node: 0, modes: ['equivocate'] },
          { node: 1, modes: ['double-vote'] },
        ],
      }),
    ).toThrow(/at most f = 1/);
    expect(() =>
      parseManifest({
        name: 'b',
        validators: 7,
        byzantine: [
          { node: 1, modes: ['equivocate'] },
          { node: 1, modes: ['double-vote'] },
        ],
      }),
    ).toThrow(/node 1 twice/);
    expect(() => parseManifest({ name: 'b', byzantine: [{ node: 0, modes: ['lie'] }] })).toThrow(/modes/);
    expect(() => parseManifest({ name: 'b', byzantine: [{ node: 4, modes: ['equivocate'] }] })).toThrow(
      /not one of the 4/,
    );
  });

  it('takes crash points by name only', () => {
    const m = parseManifest({
      name: 'c',
      perturbations: [{ kind: 'crash-point', atMs: 0, node: 1, point: 'index-after-batch' }],
    });
    expect(m.perturbations[0]).toMatchObject({ point: 'index-after-batch', hit: 1, waitMs: 60_000 });
    expect(() =>
      parseManifest({
        name: 'c',
        perturbations: [{ kind: 'crash-point', atMs: 0, node: 1, point: 'nowhere' }],
      }),
    ).toThrow(/point/);
  });

  it('the sweep has one valid manifest per point; the roll point runs with small segments', () => {
    const ms = crashSweepManifests({ points: ['block-log-after-roll', 'wal-after-sync'] });
    expect(ms.map((m) => m.name)).toEqual(['crash-block-log-after-roll', 'crash-wal-after-sync']);
    expect(ms[0]!.perturbations[0]).toMatchObject({ kind: 'crash-point', segmentBytes: 128 * 1024 });
    expect(ms[1]!.perturbations[0]).not.toHaveProperty('segmentBytes');
    for (const m of ms) expect(maxFaultyAtOnce(m)).toBe(1);
  });
});

describe('checkEvidence', () => {
  const keys = ['aa', 'bb', 'cc', 'dd'];
  const byz = new Map([[0, ['equivocate' as const]]]);

  it('passes when an honest node recorded the equivocator', () => {
    expect(checkEvidence([{ node: 2, kind: 1, offender: 'AA' }], keys, byz)).toEqual([]);
  });

  it('fails when no honest node recorded it, or when an honest node is accused', () => {
    expect(checkEvidence([], keys, byz)).toEqual([
      'no honest node recorded evidence against Byzantine node 0 (equivocate)',
    ]);
    expect(checkEvidence([{ node: 2, kind: 2, offender: 'bb' }], keys, new Map())).toEqual([
      'node 2 recorded evidence (kind 2) against node 1, which is not Byzantine',
    ]);
    // Modes that leave no two signed messages for one slot need no evidence.
    expect(checkEvidence([], keys, new Map([[0, ['withhold-votes' as const]]]))).toEqual([]);
  });

  it('reads the evidence lines of a node log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bkdms-evidence-'));
    try {
      const path = join(dir, 'node.log');
      writeFileSync(
        path,
        [
          '{"level":40,"event":"consensus.evidence","kind":1,"view":0,"seq":1,"offender":"aa","msg":"equivocation"}',
          'not json consensus.evidence',
          '{"level":30,"msg":"block committed"}',
        ].join('\n'),
      );
      expect(evidenceInLog(3, path)).toEqual([{ node: 3, kind: 1, offender: 'aa' }]);
      expect(evidenceInLog(3, join(dir, 'missing.log'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
