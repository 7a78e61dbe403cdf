// Manifests (e2e/manifest.ts): defaults, every rule that refuses one, the count of nodes out at
// once; the generator (e2e/generate.ts): deterministic per seed, valid, never more than f out.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { E2EError } from '../../../e2e/errors.js';
import { generateManifests } from '../../../e2e/generate.js';
import {
  atPlatform,
  faultsTolerated,
  faultyNodes,
  maxFaultyAtOnce,
  nodeRetain,
  parseManifest,
  partitionHasQuorum,
  readManifest,
} from '../../../e2e/manifest.js';

describe('parseManifest', () => {
  it('fills the defaults', () => {
    const m = parseManifest({ name: 'plain' });
    expect(m.validators).toBe(4);
    expect(m.load).toEqual({ rate: 20, durationMs: 20_000, batch: 10 });
    expect(m.perturbations).toEqual([]);
    expect(faultsTolerated(m)).toBe(1);
  });

  it.each([
    [{ name: 'x', validators: 4, perturbations: [{ kind: 'kill', atMs: 0, node: 4 }] }, 'not one of the 4'],
    [{ name: 'x', perturbations: [{ kind: 'explode', atMs: 0, node: 0 }] }, 'perturbations'],
    [{ name: 'x', extra: 1 }, 'extra'],
    [{ name: 'Bad Name' }, 'name'],
    [
      { name: 'x', perturbations: [{ kind: 'partition', atMs: 0, durationMs: 1, groups: [[0, 1], [1]] }] },
      'two groups',
    ],
    [
      {
        name: 'x',
        lateStart: [
          { node: 1, atMs: 0 },
          { node: 1, atMs: 5 },
        ],
      },
      'twice',
    ],
    [
      {
        name: 'x',
        load: { durationMs: 1000 },
        catchUpMs: 1000,
        perturbations: [{ kind: 'pause', atMs: 1500, node: 0, durationMs: 600 }],
      },
      'ends after',
    ],
  ])('refuses %j', (value, message) => {
    expect(() => parseManifest(value)).toThrow(E2EError);
    expect(() => parseManifest(value)).toThrow(message);
  });

  it('counts the nodes out at once; a partition takes out all but its largest group', () => {
    const m = parseManifest({
      name: 'x',
      perturbations: [
        { kind: 'pause', atMs: 0, node: 1, durationMs: 5_000 },
        { kind: 'disconnect', atMs: 1_000, node: 2, durationMs: 1_000 },
        {
          kind: 'partition',
          atMs: 30_000,
          durationMs: 1_000,
          groups: [
            [0, 1],
            [2, 3],
          ],
        },
      ],
    });
    expect(maxFaultyAtOnce(m)).toBe(2);
    expect(faultyNodes(m.perturbations[2]!, 4)).toEqual([2, 3]);
    expect(
      partitionHasQuorum(
        [
          [0, 1],
          [2, 3],
        ],
        4,
      ),
    ).toBe(false);
    expect(partitionHasQuorum([[0, 1, 2], [3]], 4)).toBe(true);
  });

  it('the manifests in the repository parse', () => {
    const dir = join(import.meta.dirname, '../../../e2e/manifests');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) expect(readManifest(join(dir, f)).name).toBe(f.replace(/\.json$/, ''));
  });
});

describe('retain', () => {
  it('absent: no retain in the node configs', () => {
    expect(nodeRetain(parseManifest({ name: 'x' }))).toBeUndefined();
  });

  it('fills the defaults and writes retain with the archive folder next to the config', () => {
    const m = parseManifest({ name: 'x', retain: { blocks: 20 } });
    expect(m.retain).toEqual({ blocks: 20, intervalMs: 2000, archive: true, segmentBytes: 32768 });
    expect(nodeRetain(m)).toEqual({ blocks: 20, intervalMs: 2000, archiveDir: 'archive' });
    const plain = parseManifest({ name: 'x', retain: { blocks: 5, intervalMs: 1000, archive: false } });
    expect(nodeRetain(plain)).toEqual({ blocks: 5, intervalMs: 1000 });
  });

  it.each([
    [{ blocks: 0 }, 'retain.blocks'],
    [{ intervalMs: 2000 }, 'retain.blocks'],
    [{ blocks: 10, intervalMs: 10 }, 'retain.intervalMs'],
    [{ blocks: 10, segmentBytes: 100 }, 'retain.segmentBytes'],
    [{ blocks: 10, age: '1h' }, 'retain'],
  ])('refuses %j', (retain, path) => {
    expect(() => parseManifest({ name: 'x', retain })).toThrow(path);
  });
});

describe('generateManifests', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = generateManifests({ seed: 7, count: 5 });
    expect(generateManifests({ seed: 7, count: 5 })).toEqual(a);
    expect(generateManifests({ seed: 8, count: 5 })).not.toEqual(a);
    expect(a.map((m) => m.name)).toEqual(['gen-7-0', 'gen-7-1', 'gen-7-2', 'gen-7-3', 'gen-7-4']);
  });

  it('never takes out more than f nodes at once, over many seeds', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 40; seed++)
      for (const m of generateManifests({ seed, count: 3, durationMs: 120_000, validators: [4, 7] })) {
        expect(maxFaultyAtOnce(m)).toBeLessThanOrEqual(faultsTolerated(m));
        for (const p of m.perturbations) if (!atPlatform(p)) kinds.add(p.kind);
      }
    expect([...kinds].sort()).toEqual([
      'delay',
      'disconnect',
      'kill',
      'partition',
      'pause',
      'restart',
      'stall',
    ]);
  });
});
