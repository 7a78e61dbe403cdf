// The platform as a perturbation target: manifests that aim faults and its crash point at
// "platform" (e2e/manifest.ts), the random generator adding it (e2e/generate.ts), the sweep's
// platform runs (e2e/crash-sweep.ts) and the test-kit switch of `platform run`.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { platformTestkit } from '../../../cli/platform-testkit.js';
import { testkitSwitch } from '../../../cli/testkit-switch.js';
import { crashSweepManifests } from '../../../e2e/crash-sweep.js';
import { E2EError } from '../../../e2e/errors.js';
import { generateManifests } from '../../../e2e/generate.js';
import {
  atPlatform,
  faultsTolerated,
  faultyNodes,
  maxFaultyAtOnce,
  parseManifest,
  readManifest,
} from '../../../e2e/manifest.js';
import { parseFailpoint } from '../../../runtime/failpoints.js';

/** A manifest with these perturbations and the platform (`null`: none). */
const withPlatform = (perturbations: unknown[], platform: unknown = {}) => ({
  name: 'p',
  perturbations,
  ...(platform === null ? {} : { platform }),
});

describe('manifests aimed at the platform', () => {
  it('parses every platform fault; none takes a validator out', () => {
    const m = parseManifest(
      withPlatform([
        { kind: 'kill', atMs: 0, node: 'platform', durationMs: 1_000 },
        { kind: 'pause', atMs: 0, node: 'platform', durationMs: 1_000 },
        { kind: 'disconnect', atMs: 0, node: 'platform', durationMs: 1_000 },
        { kind: 'delay', atMs: 0, node: 'platform', delayMs: 50 },
        { kind: 'crash-point', atMs: 0, node: 'platform', point: 'platform-block-tx', hit: 2 },
        { kind: 'kill', atMs: 0, node: 1, durationMs: 1_000 },
      ]),
    );
    expect(m.platform).toEqual({ catchUpMs: 60_000, store: 'pglite' });
    expect(m.perturbations.map(atPlatform)).toEqual([true, true, true, true, true, false]);
    expect(faultyNodes(m.perturbations[0]!, 4)).toEqual([]);
    expect(maxFaultyAtOnce(m)).toBe(1);
  });

  it.each([
    [withPlatform([{ kind: 'kill', atMs: 0, node: 'platform' }], null), 'there is no platform'],
    [
      withPlatform([{ kind: 'crash-point', atMs: 0, node: 'platform', point: 'wal-after-sync' }]),
      "wal-after-sync is a node's crash point, aimed at the platform",
    ],
    [
      withPlatform([{ kind: 'crash-point', atMs: 0, node: 2, point: 'platform-block-tx' }]),
      "platform-block-tx is the platform's crash point, aimed at a node",
    ],
    [withPlatform([{ kind: 'disk-full', atMs: 0, node: 'platform' }]), 'perturbations'],
    [withPlatform([], { store: 'sqlite' }), 'platform.store'],
  ])('refuses %j', (value, message) => {
    expect(() => parseManifest(value)).toThrow(E2EError);
    expect(() => parseManifest(value)).toThrow(message);
  });

  it('the repository manifest perturbs the platform several ways', () => {
    const m = readManifest(join(import.meta.dirname, '../../../e2e/manifests/platform-perturb.json'));
    const kinds = m.perturbations.filter(atPlatform).map((p) => p.kind);
    expect(new Set(kinds)).toEqual(new Set(['kill', 'pause', 'disconnect', 'stall', 'restart']));
  });
});

describe('the generator adds the platform', () => {
  const many = () => {
    const out = [];
    for (let seed = 1; seed <= 60; seed++)
      out.push(...generateManifests({ seed, count: 2, durationMs: 90_000 }));
    return out;
  };

  it('to some manifests, with its own faults only when it is there, never more than f nodes out', () => {
    const ms = many();
    const withIt = ms.filter((m) => m.platform !== undefined);
    expect(withIt.length).toBeGreaterThan(ms.length / 10);
    expect(withIt.length).toBeLessThan(ms.length * 0.6);
    const kinds = new Set<string>();
    const stores = new Set<string>();
    for (const m of ms) {
      expect(maxFaultyAtOnce(m)).toBeLessThanOrEqual(faultsTolerated(m));
      const aimed = m.perturbations.filter(atPlatform);
      if (m.platform === undefined) expect(aimed).toEqual([]);
      else stores.add(m.platform.store);
      for (const p of aimed) kinds.add(p.kind);
      const at = m.perturbations.map((p) => p.atMs);
      expect(at).toEqual([...at].sort((a, b) => a - b));
    }
    expect([...kinds].sort()).toEqual([
      'crash-point',
      'delay',
      'disconnect',
      'kill',
      'pause',
      'restart',
      'stall',
    ]);
    expect([...stores].sort()).toEqual(['pglite', 'server']);
  });

  it('is deterministic per seed, and leaves a seed’s node faults as they are without it', () => {
    const a = generateManifests({ seed: 11, count: 6 });
    expect(generateManifests({ seed: 11, count: 6 })).toEqual(a);
    const none = generateManifests({ seed: 11, count: 6, platformChance: 0 });
    expect(none.every((m) => m.platform === undefined)).toBe(true);
    expect(
      a.map((m) => ({
        ...m,
        platform: undefined,
        perturbations: m.perturbations.filter((p) => !atPlatform(p)),
      })),
    ).toEqual(none.map((m) => ({ ...m, platform: undefined })));
    expect(
      generateManifests({ seed: 11, count: 6, platformChance: 1 }).every((m) => m.platform !== undefined),
    ).toBe(true);
  });
});

describe('the platform crash point', () => {
  it('the sweep runs it on both back ends, aimed at the platform', () => {
    const ms = crashSweepManifests({ points: ['platform-block-tx'] });
    expect(ms.map((m) => [m.name, m.platform?.store])).toEqual([
      ['crash-platform-block-tx', 'pglite'],
      ['crash-platform-block-tx-server', 'server'],
    ]);
    for (const m of ms) expect(m.perturbations.every(atPlatform)).toBe(true);
  });

  it('is armed only with platform run --testkit, and only at a platform point', () => {
    const env = { BKDMS_TESTKIT_FAILPOINT: 'platform-block-tx:3' };
    expect(platformTestkit(true, env)).toEqual({ name: 'platform-block-tx', hit: 3 });
    expect(platformTestkit(false, {})).toBeUndefined();
    expect(() => platformTestkit(false, env)).toThrow(/--testkit is not/);
    expect(() => platformTestkit(true, {})).toThrow(/needs BKDMS_TESTKIT_FAILPOINT/);
    expect(() => platformTestkit(true, { BKDMS_TESTKIT_FAILPOINT: 'wal-after-sync' })).toThrow(
      /node's crash point/,
    );
    expect(() => testkitSwitch(true, env)).toThrow(/platform's crash point/);
    expect(parseFailpoint('platform-block-tx')).toEqual({ name: 'platform-block-tx', hit: 1 });
  });
});
