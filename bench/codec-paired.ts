// Paired, interleaved timing for the codec guards. benchmark.js runs one case for seconds and
// then the next, so on a shared machine a load swing between two cases skews their ratio. Here
// each round times a short batch of every codec back to back (order rotating). The guard uses
// the fastest batch of each codec: on a machine shared with other jobs, interference only ever
// adds time, so the minimum is the estimate least disturbed by it (the timeit rule). Medians are
// reported alongside.

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
