// The V8 heap cap of a node's config (node/heap-cap.ts): the flags it stands for, when the process
// must re-execute itself to get them, the malloc library it preloads, and the rule that a full
// mempool fits inside the cap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkMallocLibrary } from '../../../cli/heap-reexec.js';
import { NodeErrorCode } from '../../../node/errors.js';
import {
  HEAP_BASE_MB,
  heapFlags,
  memoryConfigSchema,
  mempoolOverHeap,
  preloadValue,
  reexecArgv,
} from '../../../node/heap-cap.js';

const script = ['/opt/bkdms/build/cli/main.js', 'node', 'start', '--config', 'c.json'];

describe('heap cap', () => {
  it('stands for --max-old-space-size, and --max-semi-space-size only when set', () => {
    expect(heapFlags({ maxOldSpaceMb: 256 })).toEqual(['--max-old-space-size=256']);
    expect(heapFlags({ maxOldSpaceMb: 160, maxSemiSpaceMb: 8 })).toEqual([
      '--max-old-space-size=160',
      '--max-semi-space-size=8',
    ]);
  });

  it('re-executes only when a flag is missing, keeping other node options and the script', () => {
    const flags = heapFlags({ maxOldSpaceMb: 160, maxSemiSpaceMb: 8 });
    expect(reexecArgv([...flags], script, flags)).toBeUndefined();
    expect(reexecArgv(['--enable-source-maps', ...flags], script, flags)).toBeUndefined();
    expect(reexecArgv(['--enable-source-maps'], script, flags)).toEqual([
      '--enable-source-maps',
      ...flags,
      ...script,
    ]);
    expect(reexecArgv(['--max-old-space-size=160'], script, flags)).toEqual([...flags, ...script]);
  });

  it('counts flags given in NODE_OPTIONS as present, and overrides a different value there', () => {
    const flags = heapFlags({ maxOldSpaceMb: 160 });
    expect(reexecArgv([], script, flags, '--max-old-space-size=160  --enable-source-maps')).toBeUndefined();
    expect(reexecArgv([], script, flags, '--max-old-space-size=512')).toEqual([...flags, ...script]);
  });

  it('drops another value of the same flag (either spelling) instead of passing both', () => {
    const flags = heapFlags({ maxOldSpaceMb: 160 });
    expect(reexecArgv(['--max_old_space_size=4096', '--heapsnapshot-signal=SIGUSR2'], script, flags)).toEqual(
      ['--heapsnapshot-signal=SIGUSR2', '--max-old-space-size=160', ...script],
    );
  });

  it('lets a mempool byte cap up to the cap less the base, and names the limit above it', () => {
    const memory = { maxOldSpaceMb: 160 };
    const room = (160 - HEAP_BASE_MB) * 1024 ** 2;
    expect(mempoolOverHeap(memory, room)).toBeUndefined();
    const why = mempoolOverHeap(memory, room + 1);
    expect(why).toContain('mempool.maxBytes');
    expect(why).toContain(String(room));
  });

  it('preloads the malloc library first, once, keeping what LD_PRELOAD already holds', () => {
    const lib = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
    const memory = { maxOldSpaceMb: 128, mallocLibrary: lib };
    expect(preloadValue({ maxOldSpaceMb: 128 }, '/x/other.so')).toBeUndefined();
    expect(preloadValue(memory)).toBe(lib);
    expect(preloadValue(memory, '/x/other.so')).toBe(`${lib} /x/other.so`);
    expect(preloadValue(memory, `/x/other.so:${lib}`)).toBeUndefined();
  });

  it('takes only an absolute library path the loader can split on', () => {
    const ok = memoryConfigSchema.safeParse({
      maxOldSpaceMb: 128,
      mallocLibrary: '/usr/lib/libjemalloc.so.2',
    });
    expect(ok.success).toBe(true);
    for (const bad of ['libjemalloc.so.2', '/opt/my lib/x.so', '/a.so:/b.so', ''])
      expect(memoryConfigSchema.safeParse({ maxOldSpaceMb: 128, mallocLibrary: bad }).success).toBe(false);
  });

  it('refuses a malloc library that is not a readable file, before starting anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bkdms-malloc-'));
    try {
      const lib = join(dir, 'libfake.so');
      writeFileSync(lib, 'x');
      expect(() => checkMallocLibrary(lib)).not.toThrow();
      for (const bad of [join(dir, 'missing.so'), dir]) {
        let code: unknown;
        try {
          checkMallocLibrary(bad);
        } catch (err) {
          code = (err as { code?: unknown }).code;
        }
        expect(code).toBe(NodeErrorCode.BadConfig);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
