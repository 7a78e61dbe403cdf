// What the soak prints: a line per sample while it runs, then the series thinned to about a dozen
// rows, each node's growth figures and the driver's counts.
import type { SoakCounts } from './soak-plan.js';
import { MILESTONE, type NodeSoakSummary, type SoakSample } from './soak-summary.js';

const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const one = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');
const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** Per node "rss/heap used MB, mempool". */
function nodeCells(s: SoakSample): string {
  return s.nodes.map((m) => `${int(m.rssMb)}/${int(m.heapUsedMb)} MB ${int(m.mempool)}`).join(' | ');
}

export function soakLine(s: SoakSample, durationS: number): string {
  return `  soak ${int(s.t)}/${int(durationS)} s  committed ${int(s.committed)}  rss/heap, mempool: ${nodeCells(s)}\n`;
}

/** About `rows` samples spread evenly over the series, always with the first and the last. */
export function thin<T>(xs: readonly T[], rows: number): T[] {
  if (xs.length <= rows) return [...xs];
  const step = (xs.length - 1) / (rows - 1);
  return Array.from({ length: rows }, (_, k) => xs[Math.round(k * step)]!);
}

export function printSoakTable(
  samples: readonly SoakSample[],
  summary: readonly NodeSoakSummary[],
  driver: SoakCounts,
): void {
  out('\n  t (s)   committed   per node: RSS/heap used MB, mempool');
  for (const s of thin(samples, 13))
    out(`  ${int(s.t).padStart(5)}  ${int(s.committed).padStart(10)}   ${nodeCells(s)}`);
  out(
    '\n  node  RSS warm → end MB (change, slope/min, max)      heap used warm → end MB (change)   RSS at 10^6',
  );
  for (const n of summary) {
    const r = n.rss;
    const h = n.heapUsed;
    out(
      `  ${String(n.node).padEnd(4)}  ${one(r.warm)} → ${one(r.end)} (${one(r.changePct)}%, ${one(r.slopePerMin)}, ${one(r.max)})` +
        `      ${one(h.warm)} → ${one(h.end)} (${one(h.changePct)}%)` +
        `      ${n.rssAtMilestoneMb === undefined ? `not reached (${int(MILESTONE)})` : `${one(n.rssAtMilestoneMb)} MB`}`,
    );
  }
  out(
    `\n  driver: sent ${int(driver.sent)}, accepted ${int(driver.accepted)}, committed ${int(driver.committed)}, ` +
      `rejected ${int(driver.rejected)}, envelopes made in ${int(driver.generateMs)} ms\n`,
  );
}
