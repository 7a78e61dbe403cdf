// The memory soak: a bench cluster driven at a fixed rate well below capacity
// for a long run (10 minutes, or until 10^6 envelopes), every node's RSS, V8 heap and mempool
// sampled every few seconds. Reports whether RSS stayed flat (warmed-up level vs the end, within
// 10%) and RSS once 10^6 envelopes had committed (goal ≤ 300 MB). Writes bench/results/<name>.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBenchCluster } from '../devnet/load/bench-cluster.js';
import { pidsOf, runForkedDriver } from '../devnet/load/cluster-scenario.js';
import { firstSeqFor, reserveSeqs } from '../devnet/load/seq-base.js';
import {
  type SoakCounts,
  type SoakPlan,
  type SoakResult,
  soakDriverEntry,
} from '../devnet/load/soak-plan.js';
import { sampleNodes } from '../devnet/load/soak-sample.js';
import {
  FLAT_LIMIT_PCT,
  MILESTONE,
  type NodeSoakSummary,
  RSS_CAP_MB,
  type SoakSample,
  summarizeSoak,
} from '../devnet/load/soak-summary.js';
import { printSoakTable, soakLine } from '../devnet/load/soak-table.js';
import {
  type BenchOptions,
  type BenchReport,
  guard,
  printGuards,
  writeReport,
} from '../testkit/bench-report.js';

export interface SoakOptions extends BenchOptions {
  n?: number;
  perSecond?: number;
  durationS?: number;
  sampleS?: number;
  /** Sending stops once this many envelopes were made (default 10^6). */
  maxEnvelopes?: number;
  /** Bench cluster folder (kept); a temporary one (removed after) when absent. */
  dir?: string;
  /** More node arguments, e.g. --heapsnapshot-signal=SIGUSR2. */
  nodeArgs?: string[];
  /**
   * A command every node runs under, e.g. ['heaptrack'] (it writes heaptrack.node.<pid>.zst into
   * the working folder when the node stops). RSS is sampled from the node's own pid.
   */
  nodeWrapper?: string[];
  /** Report name: bench/results/<name>.json (default soak). */
  name?: string;
  write?: boolean;
}

const SITES = 200;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runSoakBench(o: SoakOptions): Promise<BenchReport> {
  const n = o.n ?? 1;
  const perSecond = o.perSecond ?? (o.ci ? 300 : 1000);
  const durationMs = (o.durationS ?? (o.ci ? 30 : 600)) * 1000;
  const sampleMs = (o.sampleS ?? (o.ci ? 2 : 5)) * 1000;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'bkdms-soak-'));
  const cluster = await openBenchCluster({
    dir,
    n,
    sites: SITES,
    start: true,
    nodeArgs: o.nodeArgs,
    wrapper: o.nodeWrapper,
  });
  const samples: SoakSample[] = [];
  let counts: SoakCounts | undefined;
  let stopped = false;
  let sampling: Promise<void> = Promise.resolve();
  try {
    const layout = cluster.layout;
    const pids = pidsOf(layout);
    const mgmt = layout.nodes.map((x) => `127.0.0.1:${x.ports.mgmt}`);
    let t0 = 0;
    const take = async (): Promise<SoakSample> => {
      const t = Math.round((performance.now() - t0) / 100) / 10;
      const nodes = await sampleNodes(pids, mgmt);
      return { t, committed: counts?.committed ?? 0, accepted: counts?.accepted ?? 0, nodes };
    };
    // Above every sequence number an earlier run on this cluster used, within the chain's gap: no
    // site sends more than its share of maxEnvelopes (re-sends keep their number).
    const firstSeq = firstSeqFor(layout.dir);
    const maxEnvelopes = o.maxEnvelopes ?? MILESTONE;
    reserveSeqs(layout.dir, firstSeq, Math.ceil(maxEnvelopes / cluster.siteSeedsHex.length) + 1);
    const plan: SoakPlan = {
      rpc: layout.nodes.map((x) => `127.0.0.1:${x.ports.rpc}`),
      chainIdHex: layout.chainId,
      scpPublicKeyHex: cluster.scpPublicKeyHex,
      siteSeedsHex: cluster.siteSeedsHex,
      firstSeq,
      perSecond,
      durationMs,
      maxEnvelopes,
      drainMs: 30_000,
      batch: 100,
      lanesPerNode: Math.max(1, Math.ceil(4 / n)),
    };
    const result = await runForkedDriver<SoakCounts, SoakResult>(
      soakDriverEntry,
      plan,
      async () => {
        t0 = performance.now();
        samples.push({ ...(await take()), t: -1 });
        t0 = performance.now();
        sampling = (async () => {
          for (let k = 1; !stopped; k++) {
            await sleep(Math.max(0, t0 + k * sampleMs - performance.now()));
            if (stopped) break;
            const s = await take();
            samples.push(s);
            process.stdout.write(soakLine(s, durationMs / 1000));
          }
        })();
      },
      (c) => {
        counts = c;
      },
    );
    stopped = true;
    await sampling;
    counts = result;
    samples.push(await take());
    const summary = summarizeSoak(samples, result.sendMs / 1000);
    const worst = (f: (s: NodeSoakSummary) => number): number => Math.min(...summary.map(f));
    const guards = [
      guard(
        `soak: RSS end within ${FLAT_LIMIT_PCT}% of warmed-up ((1 + limit) x warm / end, worst node)`,
        worst((s) => ((1 + FLAT_LIMIT_PCT / 100) * s.rss.warm) / s.rss.end),
        1,
      ),
      ...(summary.every((s) => s.rssAtMilestoneMb !== undefined)
        ? [
            guard(
              `soak: ${RSS_CAP_MB} MB / RSS at 10^6 envelopes (worst node)`,
              worst((s) => RSS_CAP_MB / s.rssAtMilestoneMb!),
              1,
            ),
          ]
        : []),
    ];
    const report: BenchReport = {
      name: o.name ?? 'soak',
      results: { n, perSecond, durationMs, sampleMs, driver: result, summary, samples },
      guards,
    };
    printSoakTable(samples, summary, result);
    printGuards(guards);
    if (o.write !== false) writeReport(report);
    return report;
  } finally {
    stopped = true;
    await cluster.close();
    if (o.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}
