// `bkdms node start` with a `memory` config, as a real process: the node runs in a child started
// with the V8 heap flags and with the configured malloc library preloaded (docs/operations.md,
// "Memory"). The library here is the C library the test process itself has loaded: preloading it
// changes nothing, so the test needs no allocator installed; what it checks is that the child got
// the flags and LD_PRELOAD (the loader's mapping of a real jemalloc is the soak's business).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningCluster, startCluster } from '../../devnet/cluster.js';
import { prepareCluster } from '../../devnet/layout.js';
import { freeNodePorts } from '../../devnet/ports.js';

/** The path of the libc this process has mapped (Node's own report lists its shared objects). */
function loadedLibc(): string {
  const report = process.report.getReport() as unknown as { sharedObjects: string[] };
  const libc = report.sharedObjects.find((p) => /\/libc\.so\.6$/.test(p));
  if (libc === undefined) throw new Error('no libc.so.6 among this process shared objects');
  return libc;
}

const dir = mkdtempSync(join(tmpdir(), 'bkdms-heap-reexec-'));
let cluster: RunningCluster | undefined;

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('node start with a memory config (real process)', () => {
  it('runs the node in a child with the heap flags and the malloc library preloaded', async () => {
    const layout = await prepareCluster({ dir, n: 1, ports: await freeNodePorts(1), logSpec: 'warn' });
    const lib = loadedLibc();
    const configPath = layout.nodes[0]!.configPath;
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    // 400 MB leaves room for the devnet's 256 MiB mempool byte cap above the 96 MB base.
    config.memory = { maxOldSpaceMb: 400, maxSemiSpaceMb: 8, mallocLibrary: lib };
    writeFileSync(configPath, JSON.stringify(config));
    cluster = await startCluster(layout);
    const proc = cluster.procs[0]!;
    const ready = await proc.ready;
    const nodePid = Number(ready.pid);
    expect(nodePid).not.toBe(proc.child.pid);
    const cmdline = readFileSync(`/proc/${nodePid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('--max-old-space-size=400');
    expect(cmdline).toContain('--max-semi-space-size=8');
    const environ = readFileSync(`/proc/${nodePid}/environ`, 'utf8').split('\0');
    expect(environ).toContain(`LD_PRELOAD=${lib}`);
    expect(environ).toContain('BKDMS_HEAP_REEXEC=1');
  });
});
