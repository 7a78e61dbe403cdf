// One memory sample of every node of a soak run: RSS from /proc/<pid>/status (what the goal is
// about), and from the node's /metrics the V8 heap (used and total), external memory (Buffers
// and other memory V8 tracks outside its heap) and the mempool size. RSS minus heap total minus
// external is roughly native memory: LevelDB's caches, libuv, gRPC and libp2p buffers.
import { parseMetrics } from './node-metrics.js';
import { sampleProcess } from './proc-stats.js';

export interface NodeMemory {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  mempool: number;
  height: number;
}

const mb = (b: number | undefined): number =>
  b === undefined || !Number.isFinite(b) ? Number.NaN : Math.round((b / 1024 / 1024) * 10) / 10;

/** The memory figures of a node's Prometheus text (prom-client's default process metrics). */
export function memoryFromMetrics(text: string): Omit<NodeMemory, 'rssMb'> {
  const m = parseMetrics(text);
  return {
    heapUsedMb: mb(m.get('bkdms_nodejs_heap_size_used_bytes')),
    heapTotalMb: mb(m.get('bkdms_nodejs_heap_size_total_bytes')),
    externalMb: mb(m.get('bkdms_nodejs_external_memory_bytes')),
    mempool: m.get('bkdms_mempool_envelopes') ?? Number.NaN,
    height: m.get('bkdms_block_height') ?? Number.NaN,
  };
}

const NO_METRICS = {
  heapUsedMb: Number.NaN,
  heapTotalMb: Number.NaN,
  externalMb: Number.NaN,
  mempool: Number.NaN,
  height: Number.NaN,
};

async function scrape(mgmt: string): Promise<Omit<NodeMemory, 'rssMb'>> {
  try {
    const res = await fetch(`http://${mgmt}/metrics`, { signal: AbortSignal.timeout(3000) });
    return res.ok ? memoryFromMetrics(await res.text()) : NO_METRICS;
  } catch {
    return NO_METRICS;
  }
}

/** Every node's memory now (NaN figures for a node that is gone or does not answer). */
export async function sampleNodes(pids: readonly number[], mgmt: readonly string[]): Promise<NodeMemory[]> {
  const metrics = await Promise.all(mgmt.map(scrape));
  return metrics.map((m, i) => {
    const proc = pids[i] === undefined ? undefined : sampleProcess(pids[i]!);
    return { rssMb: mb(proc?.rssBytes), ...m };
  });
}
