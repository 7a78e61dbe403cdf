// Paired, interleaved timing for the codec guards. benchmark.js runs one case for seconds and
// then the next, so on a shared machine a load swing between two cases skews their ratio. Here
// each round times a short batch of every codec back to back (order rotating). The guard uses
// the fastest batch of each codec: on a machine shared with other jobs, interference only ever
// adds time, so the minimum is the estimate least disturbed by it (the timeit rule). Medians are
// reported alongside.
//
// A ratio also depends on the JIT state of the process that measures it: the same code measured
// 6.8x msgpackr in most processes and 1.26x in one CI run whose bkdms batches were all ~5x slower.
// So the guards run the paired timing in several fresh isolates (worker threads, each with its own
// JIT) and take each codec's best ratio: a real regression is slow in every isolate.
import { Worker } from 'node:worker_threads';
import type { PairedWorkerInput } from './codec-paired-worker.js';

export interface PairedResult {
  /** Fastest batch's ns/op per codec. */
  minNsPerOp: Record<string, number>;
  /** Median batch's ns/op per codec. */
  medianNsPerOp: Record<string, number>;
  /** (codec's min ns/op) / (subject's min ns/op): how many times faster the subject is. */
  speedup: Record<string, number>;
  rounds: number;
  opsPerBatch: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function timeBatch(fn: () => void, ops: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) fn();
  return Number(process.hrtime.bigint() - start) / ops;
}

/** Times `cases` in interleaved rounds; speedups are relative to the case named `subject`. */
export function pairedTiming(
  cases: Record<string, () => void>,
  subject: string,
  rounds: number,
  opsPerBatch: number,
): PairedResult {
  const names = Object.keys(cases);
  for (let w = 0; w < 3; w++) for (const n of names) timeBatch(cases[n]!, opsPerBatch); // warm-up, untimed
  const ns: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++)
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length]!;
      ns[n]!.push(timeBatch(cases[n]!, opsPerBatch));
    }
  const minNsPerOp = Object.fromEntries(names.map((n) => [n, Math.min(...ns[n]!)]));
  return {
    minNsPerOp,
    medianNsPerOp: Object.fromEntries(names.map((n) => [n, median(ns[n]!)])),
    speedup: Object.fromEntries(names.map((n) => [n, minNsPerOp[n]! / minNsPerOp[subject]!])),
    rounds,
    opsPerBatch,
  };
}

/** Paired timing in `isolates` fresh worker threads, one after another (they would share the cores). */
export async function pairedInIsolates(input: PairedWorkerInput, isolates: number): Promise<PairedResult[]> {
  const out: PairedResult[] = [];
  for (let i = 0; i < isolates; i++) {
    const worker = new Worker(new URL('./codec-paired-worker.js', import.meta.url), { workerData: input });
    out.push(
      await new Promise<PairedResult>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`codec timing worker exited with code ${code}`)));
      }),
    );
    await worker.terminate();
  }
  return out;
}

/** Each codec's best speedup over the isolates' results (the least disturbed isolate per codec). */
export function bestSpeedups(results: PairedResult[]): Record<string, number> {
  const best: Record<string, number> = {};
  for (const r of results)
    for (const [name, v] of Object.entries(r.speedup)) best[name] = Math.max(best[name] ?? 0, v);
  return best;
}
