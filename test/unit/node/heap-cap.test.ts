// The V8 heap cap of a node's config (node/heap-cap.ts): the flags it stands for, when the process
// must re-execute itself to get them, and the rule that a full mempool fits inside the cap.
import { describe, expect, it } from 'vitest';
import { HEAP_BASE_MB, heapFlags, mempoolOverHeap, reexecArgv } from '../../../node/heap-cap.js';

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
});
