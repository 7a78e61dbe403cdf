// The cluster benchmark's human output: a progress line while a scenario runs (rewritten in place
// with \r) and a table of every scenario at the end.
import type { ScenarioResult } from './cluster-scenario.js';
import type { DriverProgress } from './plan.js';
import type { VerifyBound } from './verify-bound.js';

const BAR = 20;

export function progressLine(name: string, p: DriverProgress, durationMs: number): string {
  const done = Math.min(BAR, Math.round((p.elapsedMs / durationMs) * BAR));
  const secs = (p.elapsedMs / 1000).toFixed(0).padStart(3);
  return `\r  ${name.padEnd(14)} [${'#'.repeat(done)}${'.'.repeat(BAR - done)}] ${secs}s sent ${p.sent} accepted ${p.accepted} committed ${p.committed} rejected ${p.rejected}   `;
}

/**
 * Verifications the committed envelopes needed (every node verifies each) per verification the
 * nodes' CPU time could have done: 1.0 means the nodes did nothing but verify. It holds however
 * much CPU the machine's other users left to the cluster, so it is the figure to compare runs by.
 */
export function verifyEfficiency(r: ScenarioResult, perCpuSecond: number): number {
  const cores = r.nodes.reduce((a, x) => a + x.cpuCores, 0);
  return (r.driver.committedPerSecond * r.n) / (cores * perCpuSecond);
}

/**
 * CPU time one node spent per committed envelope (all its threads, averaged over the nodes): the
 * per-envelope cost profiles try to shrink, independent of how much CPU other users left.
 */
export function cpuMsPerEnvelope(r: ScenarioResult): number {
  const cores = r.nodes.reduce((a, x) => a + x.cpuCores, 0);
  return (1000 * cores) / (r.driver.committedPerSecond * r.n);
}

/**
 * CPU time one node spent per committed envelope over the whole run (window and drain, all threads,
 * averaged over the nodes) divided by every envelope committed by its end. A window figure counts
 * the work on envelopes admitted in the window but committed after it against those committed in
 * it, so it swings with the machine's load; this one does not, except for the idle cost of the
 * drain and for envelopes the drain left uncommitted (the table shows how many).
 */
export function runCpuMsPerEnvelope(r: ScenarioResult): number {
  const cpu = r.runCpuSeconds ?? [];
  if (cpu.length === 0 || r.driver.committed <= 0) return Number.NaN;
  const mean = cpu.reduce((a, x) => a + x, 0) / cpu.length;
  return (1000 * mean) / r.driver.committed;
}

const num = (x: number): string => (Number.isFinite(x) ? String(Math.round(x)) : '-');
const fixed = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '-');

function rejections(r: ScenarioResult): string {
  const e = Object.entries(r.driver.rejected);
  return e.length === 0 ? 'none' : e.map(([k, v]) => `${k}:${v}`).join(' ');
}

/** The table rows: one per scenario, then one per node of each. */
export function clusterTable(bound: VerifyBound, runs: ScenarioResult[]): string {
  const lines = [
    `verify bound: ${bound.oneCore}/s on one core, x ${bound.cores} cores = ${bound.nominal}/s; measured on all cores at once: ${bound.allCores}/s; ${bound.perCpuSecond} per CPU-second`,
    '',
    'scenario        offered/s  committed/s  vs bound  verify eff  cpu ms/env  p50 ms  p95 ms  p99 ms  blocks  rejected',
  ];
  const runLines: string[] = [];
  for (const r of runs) {
    const d = r.driver;
    const vsBound = d.committedPerSecond / (bound.allCores / r.n);
    lines.push(
      `${r.name.padEnd(14)} ${num(d.offeredPerSecond).padStart(10)} ${num(d.committedPerSecond).padStart(12)} ${vsBound.toFixed(2).padStart(9)} ${verifyEfficiency(r, bound.perCpuSecond).toFixed(2).padStart(11)} ${cpuMsPerEnvelope(r).toFixed(3).padStart(11)} ${num(d.latencyMs.p50).padStart(7)} ${num(d.latencyMs.p95).padStart(7)} ${num(d.latencyMs.p99).padStart(7)} ${String(d.blocks).padStart(7)}  ${rejections(r)}`,
    );
    for (const x of r.nodes)
      lines.push(
        `    node ${x.node}: cpu ${x.cpuCores.toFixed(2)} cores (main thread waiting for a CPU ${num(x.cpuWait * 100)}% of the time), rss ${num(x.rssStartMb)} -> ${num(x.rssEndMb)} MB (peak ${num(x.peakRssMb)}), blocks ${num(x.blocks)}, view changes ${num(x.viewChanges)}`,
        `      bodies: ${num(x.bodies.fetched)} envelopes fetched in ${num(x.bodies.exchanges)} exchanges (${num(x.bodies.timeouts)} timed out), ${num(x.bodies.backlog)} from the admission backlog, ${x.bodies.waitSeconds} s waited, ${num(x.bodies.dropped)} proposals dropped`,
      );
    runLines.push(
      `${r.name.padEnd(14)} ${num(d.committed).padStart(10)} ${num(d.uncommitted).padStart(12)} ${fixed(runCpuMsPerEnvelope(r)).padStart(11)}`,
    );
  }
  lines.push(
    '',
    'whole run (window + drain): CPU per node / every envelope committed by the end',
    'scenario         committed  uncommitted  cpu ms/env',
    ...runLines,
  );
  return `${lines.join('\n')}\n`;
}

export function printClusterTable(bound: VerifyBound, runs: ScenarioResult[]): void {
  process.stdout.write(clusterTable(bound, runs));
}
