// The Prometheus series the node and the relayer export, read from their registries as the code
// builds them (not a list kept by hand): the node's registry with every group the node registers
// in it (node/mgmt/metrics.ts, perf-metrics.ts, the pruner's), the relayer's RelayMetrics. A
// histogram exports `_bucket`, `_sum` and `_count` series, a summary `_sum` and `_count`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import {
  createNodeMetrics,
  registerAlarmMetric,
  registerProposalBodyMetrics,
  registerSnapshotMetrics,
} from '../../node/mgmt/metrics.js';
import { registerP2PMetrics } from '../../node/mgmt/p2p-metrics.js';
import { registerPerfMetrics } from '../../node/mgmt/perf-metrics.js';
import { registerPruneMetrics } from '../../node/pruner.js';
import { RelayMetrics } from '../../platform/relay/metrics.js';

async function seriesOf(registry: Registry): Promise<Set<string>> {
  const out = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    out.add(m.name);
    const type = String(m.type);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(m.name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) out.add(m.name + s);
  }
  return out;
}

/** Every series name a node's GET /metrics carries (process metrics included). */
export async function nodeSeries(): Promise<Set<string>> {
  const m = createNodeMetrics();
  registerAlarmMetric(m, () => []);
  registerSnapshotMetrics(m, { list: () => [], divergentPeers: () => 0 });
  registerProposalBodyMetrics(m, () => ({
    whole: 0,
    backlog: 0,
    fetched: 0,
    dropped: 0,
    envelopesFetched: 0,
    envelopesFromBacklog: 0,
    exchanges: 0,
    timeouts: 0,
    failures: 0,
    forged: 0,
    waitMs: 0,
    served: 0,
    envelopesServed: 0,
  }));
  registerPerfMetrics(m.registry, () => ({
    time: 0,
    hostCpu: 0,
    processCpu: 0,
    rssBytes: 0,
    heapUsedBytes: 0,
    heapTotalBytes: 0,
    memoryFreeBytes: 0,
    dataBytes: 0,
    dataGrowthBps: 0,
    diskFreeBytes: 0,
    height: 0,
    mempoolEnvelopes: 0,
    peers: [],
  }));
  registerPruneMetrics([m.registry]);
  registerP2PMetrics(m, {
    stats: {
      accepted: 0,
      rejected: 0,
      ignored: 0,
      rateLimited: 0,
      oversized: 0,
      malformed: 0,
      notAllowed: 0,
    },
    peerPenalties: () => [],
    consensusStreamStats: { sent: 0, dropped: 0, expired: 0, opened: 0, failed: 0 },
  });
  return seriesOf(m.registry);
}

/** Every series name the relayer's GET /metrics carries. */
export async function relayerSeries(): Promise<Set<string>> {
  return seriesOf(new RelayMetrics(() => 0).registry);
}

/** Every `'bkdms_…'` string literal under `dir` (recursively, .ts files): the metric names the code spells. */
export function metricLiterals(dir: string): Set<string> {
  const out = new Set<string>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const text = readFileSync(join(e.parentPath, e.name), 'utf8');
    for (const m of text.matchAll(/'(bkdms_[a-z0-9_]+)'/g)) out.add(m[1] as string);
  }
  return out;
}
