// Running a benchmark.js suite for the micro-benchmarks: ops/s per case, one line printed per case.
import Benchmark from 'benchmark';
import type { BenchOptions } from '../testkit/bench-report.js';

/** Runs benchmark.js cases one after another and returns ops/s per case name. */
export function runSuite(
  title: string,
  cases: Record<string, () => void>,
  opts: BenchOptions,
): Record<string, number> {
  const suite = new Benchmark.Suite(title);
  const maxTime = opts.ci ? 0.5 : 3;
  for (const [name, fn] of Object.entries(cases))
    suite.add(name, fn, { maxTime, minSamples: opts.ci ? 3 : 10 });
  const out: Record<string, number> = {};
  suite.on('cycle', (ev: Benchmark.Event) => {
    const b = ev.target as unknown as Benchmark;
    out[String(b.name)] = b.hz ?? 0;
    process.stdout.write(`  ${title} › ${String(b)}\n`);
  });
  suite.run({ async: false });
  return out;
}
