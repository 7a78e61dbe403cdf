// The Byzantine manifests' own checks (e2e/byzantine-checks.ts) run against a finished cluster:
// the latency bound per site, the flooding nodes' penalties on every honest node, the honest
// nodes' memory. Each finding is handed to `fail`; what was measured is logged and returned.
import { pause } from '../api/retry.js';
import {
  checkLatency,
  checkMemory,
  checkPenalties,
  metricValue,
  type PeerPenalty,
  type SiteLatency,
  samplePenalties,
  scrapeMetrics,
  siteLatencies,
} from './byzantine-checks.js';
import type { E2ECluster } from './cluster.js';
import type { ChainRead } from './invariants.js';
import type { SetLoad } from './load.js';
import type { Manifest } from './manifest.js';

export interface ByzantineFindings {
  latency?: SiteLatency[];
  penalties?: PeerPenalty[];
  /** Resident set of each honest node at the end (bytes). */
  rssBytes?: (number | undefined)[];
  /** View changes each honest node started (manifests with a censoring node). */
  viewChanges?: number[];
}

/** Gossip score samples taken of each honest node, and the gap between them (ms). */
const SCORE_SAMPLES = 10;
const SCORE_GAP_MS = 1_000;

export async function checkByzantine(
  c: E2ECluster,
  m: Manifest,
  load: SetLoad,
  chains: readonly ChainRead[],
  honest: readonly number[],
  log: (line: string) => void,
  fail: (s: string) => void,
): Promise<ByzantineFindings> {
  const out: ByzantineFindings = {};
  if (m.latencyBoundMs !== undefined) {
    const first = chains.find((ch) => ch.read.node === honest[0]);
    const lat = siteLatencies(load.made, first?.committedAt ?? new Map(), c.sites.length);
    out.latency = lat;
    log(
      `commit latency per site: ${lat.map((s) => `site ${s.site} max ${s.maxMs} ms over ${s.committed}`).join(', ')}`,
    );
    for (const f of checkLatency(lat, m.latencyBoundMs)) fail(f);
  }
  const mgmt = honest.map((i) => ({ node: i, mgmtPort: c.layout.nodes[i]!.ports.mgmt }));
  const flooding = new Set(m.byzantine.filter((b) => b.modes.includes('flood')).map((b) => b.node));
  if (flooding.size > 0) {
    const seen = await samplePenalties(mgmt, c.n, SCORE_SAMPLES, SCORE_GAP_MS, async (ms) => {
      await pause(ms);
    });
    out.penalties = seen;
    for (const p of seen)
      log(
        `node ${p.node} on peer ${p.peer}: ${p.rejected} messages rejected, lowest gossip score ${p.minScore}`,
      );
    for (const f of checkPenalties(seen, flooding, honest)) fail(f);
  }
  if (m.byzantine.some((b) => b.modes.includes('censor-site'))) {
    // The honest replicas' answer to a censoring primary is a view change (the request timer).
    const texts = await Promise.all(mgmt.map((x) => scrapeMetrics(x.mgmtPort)));
    const changes = mgmt.map((x, i) => ({
      node: x.node,
      n: metricValue(texts[i]!, 'bkdms_view_changes_total') ?? 0,
    }));
    out.viewChanges = changes.map((x) => x.n);
    log(`view changes: ${changes.map((x) => `node ${x.node} ${x.n}`).join(', ')}`);
    for (const x of changes)
      if (x.n < 1) fail(`censorship: node ${x.node} never changed view away from the censoring primary`);
  }
  if (m.memoryBoundMb !== undefined) {
    const texts = await Promise.all(mgmt.map((x) => scrapeMetrics(x.mgmtPort)));
    const rss = mgmt.map((x, i) => ({
      node: x.node,
      bytes: metricValue(texts[i]!, 'bkdms_process_resident_memory_bytes'),
    }));
    out.rssBytes = rss.map((r) => r.bytes);
    log(
      `resident set: ${rss.map((r) => `node ${r.node} ${Math.round((r.bytes ?? 0) / 1024 / 1024)} MiB`).join(', ')}`,
    );
    for (const f of checkMemory(rss, m.memoryBoundMb)) fail(f);
  }
  return out;
}
