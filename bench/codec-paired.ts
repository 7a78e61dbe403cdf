// Paired, interleaved timing for the codec guards. benchmark.js runs one case for seconds and
// then the next, so on a shared machine a load swing between two cases skews their ratio. Here
// each round times a short batch of every codec back to back (order rotating) and the guard
// takes the median over rounds of the per-round ratio: both sides of each ratio saw the same load.

export interface PairedResult {
  /** Median over rounds of (other codec's ns/op) / (baseline's ns/op), per other codec. */
  medianSpeedup: Record<string, number>;
  /** ns per op per codec, median over rounds. */
  medianNsPerOp: Record<string, number>;
  rounds: number;
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
  for (const n of names) timeBatch(cases[n]!, opsPerBatch); // warm up every case first
  const ns: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const perOp: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length]!;
      perOp[n] = timeBatch(cases[n]!, opsPerBatch);
      ns[n]!.push(perOp[n]);
    }
    for (const n of names) ratios[n]!.push(perOp[n]! / perOp[subject]!);
  }
  return {
    medianSpeedup: Object.fromEntries(names.map((n) => [n, median(ratios[n]!)])),
    medianNsPerOp: Object.fromEntries(names.map((n) => [n, median(ns[n]!)])),
    rounds,
  };
}
