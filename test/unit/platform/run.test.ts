import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import type { ChainSource } from '../../../platform/chain-source.js';
import { loadPlatformConfig, parsePlatformConfig } from '../../../platform/config.js';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors.js';
import { hex } from '../../../platform/hex.js';
import { runPlatform } from '../../../platform/run.js';
import { MemoryDb } from '../../../platform/sql-pglite-memory.js';
import { PlatformStore } from '../../../platform/store.js';
import { loggerFrom } from '../../../runtime/log.js';
import {
  bytes,
  entry,
  FakeChain,
  genesis,
  HOUR,
  record,
  scpKey,
  siteA,
  siteB,
  T0,
  UNEMPLOYMENT,
  upload,
} from './fixture.js';
import { crashing, WARM_UP } from './sql-fakes.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'bkdms-platform-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const base = {
  dataDir: 'db',
  genesis: 'genesis.json',
  chain: { endpoints: ['127.0.0.1:1'], insecure: true },
  encryptionKeys: [{ path: 'scp.key' }],
  retry: { baseMs: 5, maxMs: 20 },
  assess: { periodMs: HOUR, zThreshold: 3.5 },
};

function chainOf(n: number): FakeChain {
  const chain = new FakeChain();
  for (let h = 1; h <= n; h++)
    chain.append([
      upload(siteA, h, record(siteA, T0 + h * HOUR, [entry(UNEMPLOYMENT, 5 + h / 10)])),
      upload(siteB, h, record(siteB, T0 + h * HOUR, [entry(UNEMPLOYMENT, 7)])),
    ]);
  return chain;
}

beforeAll(...WARM_UP);

describe('config', () => {
  it('fills defaults and resolves paths against the config file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'platform.json'), JSON.stringify({ ...base, admin: { path: 'admin.key' } }));
    const c = loadPlatformConfig(join(dir, 'platform.json'));
    expect(c.dataDir).toBe(join(dir, 'db'));
    expect(c.encryptionKeys[0]).toEqual({
      path: join(dir, 'scp.key'),
      passphraseEnv: 'BKDMS_PLATFORM_PASSPHRASE',
    });
    expect(c.admin?.passphraseEnv).toBe('BKDMS_ADMIN_PASSPHRASE');
    expect(c.progressMs).toBe(2000);
  });

  it('names every problem by its path', () => {
    let err: PlatformError | undefined;
    try {
      parsePlatformConfig({
        ...base,
        encryptionKeys: [],
        chain: { endpoints: [] },
        chainUrl: 'has space',
        extra: 1,
      });
    } catch (e) {
      err = e as PlatformError;
    }
    expect(err).toBeInstanceOf(PlatformError);
    for (const path of ['encryptionKeys', 'chain.endpoints', 'chainUrl', 'extra'])
      expect(err!.message).toContain(path);
  });
});

describe('runPlatform', () => {
  it('skips a node serving forged blocks, follows an honest one, and serves trace, audit and assess', async () => {
    const honest = chainOf(4);
    const forger = new FakeChain([0, 1, 2, 3].map((i) => ed25519FromSeed(bytes(32, 0x90 + i))));
    forger.append([]);
    const warnings: string[] = [];
    const p = await runPlatform(parsePlatformConfig(base), {
      genesis,
      sources: [forger, honest],
      scpKeys: [scpKey],
      store: PlatformStore.memory(),
      log: loggerFrom((_level, msg, meta) => warnings.push(`${msg} ${JSON.stringify(meta)}`)),
    });
    await p.waitForHeight(4);
    expect(p.counters).toMatchObject({ height: 4, packets: 8, decrypted: 8, failures: {} });
    expect(warnings[0]).toMatch(/BAD_BLOCK/);
    const e = await p.trace(hex(tracingCode(honest.built[2]!.envelopes[1]!)));
    expect(e.verified).toBe(true);
    expect((await p.audit()).ok).toBe(true);
    const q = await p.assess({ from: T0 + HOUR, to: T0 + 5 * HOUR });
    expect(q.bySite['10.0.0.1']).toMatchObject({ expected: 8, received: 4 }); // 2 KPIs registered, 1 sent
    expect(q.bySite['10.0.0.2']).toMatchObject({ received: 4 });
    await p.stop();
    await expect(p.done).resolves.toBeUndefined();
  });

  it('asks the next node when one answers PRUNED, and says so when every node does', async () => {
    const prunedAt = (earliestHeight: number): ChainSource => ({
      blocks: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.reject(new ApiError(ApiErrorCode.Pruned, 'pruned', { earliestHeight })),
        }),
      }),
      getBlock: () => Promise.reject(new ApiError(ApiErrorCode.Pruned, 'pruned', { earliestHeight })),
      trace: () => Promise.reject(new ApiError(ApiErrorCode.Pruned, 'pruned', { earliestHeight })),
    });
    const lines: string[] = [];
    const p = await runPlatform(parsePlatformConfig(base), {
      genesis,
      sources: [prunedAt(3), chainOf(2)],
      scpKeys: [scpKey],
      store: PlatformStore.memory(),
      log: loggerFrom((level, msg) => lines.push(`${level} ${msg}`)),
    });
    await p.waitForHeight(2);
    expect(lines[0]).toBe('warn node holds no block 1 (its earliest is 3); trying the next node');
    await p.stop();

    let allPruned: (line: string) => void = () => {};
    const said = new Promise<string>((resolve) => {
      allPruned = resolve;
    });
    const q = await runPlatform(parsePlatformConfig(base), {
      genesis,
      sources: [prunedAt(3), prunedAt(7)],
      scpKeys: [scpKey],
      store: PlatformStore.memory(),
      log: loggerFrom((level, msg) => {
        if (level === 'error') allPruned(msg);
      }),
    });
    expect(await said).toContain('no configured node holds block 1 (earliest heights: node 0: 3, node 1: 7)');
    await q.stop();
  });

  it('prints progress, and stops with a STORE error when the database fails', async () => {
    const failing = new PlatformStore(
      crashing(new MemoryDb(), {
        fails: (n) => n === 3,
        error: () => new PlatformError(PlatformErrorCode.Store, 'disk full'),
      }),
    );
    let firstLine: (l: string) => void = () => {};
    const printed = new Promise<string>((resolve) => {
      firstLine = resolve;
    });
    const config = parsePlatformConfig({ ...base, progressMs: 5 });
    const p = await runPlatform(config, {
      genesis,
      sources: [chainOf(4)],
      scpKeys: [scpKey],
      store: failing,
      // Lines before the failure show lower heights; the counters stop at the last stored block.
      print: (l) => (l.includes('height 2,') ? firstLine(l) : undefined),
    });
    await expect(p.waitForHeight(4)).rejects.toThrow(/disk full/);
    await expect(p.done).rejects.toThrow(PlatformError);
    expect(p.counters.height).toBe(2);
    expect(await printed).toBe('platform: height 2, packets 4 (decrypted 4, failed 0), calls 0');
    await p.stop();
  });
  it('stops with STATE_ROOT_MISMATCH instead of asking the next node when a certified root is not its own', async () => {
    // The same empty block 1; block 2 certified with a root the contracts do not give. The honest
    // node's block 2 would verify, but a quorum certified the other one: no node can cure that.
    const liar = new FakeChain();
    liar.append([]);
    liar.append([], [0, 1, 2], undefined, bytes(32, 0x55));
    const honest = new FakeChain();
    honest.append([]);
    honest.append([]);
    const errors: string[] = [];
    const p = await runPlatform(parsePlatformConfig(base), {
      genesis,
      sources: [liar, honest],
      scpKeys: [scpKey],
      store: PlatformStore.memory(),
      log: loggerFrom((level, msg) => {
        if (level === 'error') errors.push(msg);
      }),
    });
    await expect(p.waitForHeight(2)).rejects.toMatchObject({ code: PlatformErrorCode.StateRootMismatch });
    await expect(p.done).rejects.toMatchObject({ code: PlatformErrorCode.StateRootMismatch });
    expect(p.counters.height).toBe(1);
    expect(errors).toEqual(["the chain's state root differs from the platform's execution; stopping"]);
    await p.stop();
  });

  // Starting an on-disk PGlite twice takes tens of seconds on a loaded machine.
  it('keeps its place on disk (PGlite) across a restart', { timeout: 180_000 }, async () => {
    const dir = tmp();
    const config = parsePlatformConfig({ ...base, dataDir: join(dir, 'db') });
    const chain = chainOf(2);
    const first = await runPlatform(config, { genesis, sources: [chain], scpKeys: [scpKey] });
    await first.waitForHeight(2);
    await first.stop();
    chain.append([upload(siteA, 3, record(siteA, T0 + 3 * HOUR, [entry(UNEMPLOYMENT, 5)]))]);
    const second = await runPlatform(config, { genesis, sources: [chain], scpKeys: [scpKey] });
    expect(second.counters.height).toBe(2);
    await second.waitForHeight(3);
    const heights: number[] = [];
    for await (const pk of second.packets()) heights.push(pk.meta.height);
    expect(heights).toEqual([1, 1, 2, 2, 3]);
    await second.stop();
  });
});
