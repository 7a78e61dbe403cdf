// Consensus core throughput: blocks per second through n replicas in the simulator with crypto
// stubbed (testkit/sim), for n = 4 and n = 7, empty blocks and 1,000-envelope blocks. Compared, in
// the same run, with what one replica pays to verify the 1,000 Ed25519 envelope signatures of a
// block (node:crypto directly). Guard: the core's cost per block and replica stays under 5% of
// that (ratio >= 20). The cost measured includes the simulated network and the stub hashing, so
// it overstates the core's own cost.
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { type BenchOptions, type BenchReport, guard, writeReport } from '../testkit/bench-report.js';
import { Cluster } from '../testkit/sim/cluster.js';

interface CoreFigures {
  blocksPerSecond: number;
  /** Wall time of one block divided by the number of replicas that each processed it. */
  msPerBlockPerReplica: number;
  messagesPerBlock: number;
}

function envelopesFor(block: number, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const e = new Uint8Array(64);
    const dv = new DataView(e.buffer);
    dv.setUint32(0, block);
    dv.setUint32(4, i);
    out.push(e);
  }
  return out;
}

function measureCore(n: number, envelopes: number, blocks: number): CoreFigures {
  const c = new Cluster({
    n,
    seed: 1,
    checks: false,
    light: true,
    params: { periodTicks: 1, maxBlockEnvelopes: Math.max(1, envelopes), emptyBlocks: envelopes === 0 },
    net: { minDelay: 1, maxDelay: 2 },
  });
  const batches = Array.from({ length: blocks + 5 }, (_, b) => envelopesFor(b, envelopes));
  const node = c.nodes[0]!;
  const step = (b: number) => {
    const h = node.height;
    if (envelopes > 0) c.admit(batches[b]!);
    if (c.runUntil(() => node.height > h, 100) < 0) throw new Error('bench: a block did not commit');
  };
  for (let b = 0; b < 5; b++) step(b); // warm-up
  const messages = c.messages;
  const times: number[] = [];
  for (let b = 5; b < blocks + 5; b++) {
    const t0 = performance.now();
    step(b);
    times.push(performance.now() - t0);
  }
  // The median block: this machine is shared, and a pause elsewhere should not count as ours.
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)]!;
  return {
    blocksPerSecond: 1000 / ms,
    msPerBlockPerReplica: ms / n,
    messagesPerBlock: (c.messages - messages) / blocks,
  };
}

/** Milliseconds node:crypto takes to verify 1,000 Ed25519 signatures (median of rounds). */
function measureVerify1000(rounds: number): number {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const msg = new Uint8Array(200).fill(7);
  const sig = sign(null, msg, privateKey);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++)
      if (!verify(null, msg, publicKey, sig)) throw new Error('bench: verify failed');
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function runConsensusBench(opts: BenchOptions): BenchReport {
  const blocks = opts.ci ? 30 : 200;
  const verifyMs = measureVerify1000(opts.ci ? 3 : 7);
  const results: Record<string, unknown> = { verify1000Ms: verifyMs, ed25519VerifyPerSecond: 1e6 / verifyMs };
  const guards = [];
  for (const n of [4, 7]) {
    const empty = measureCore(n, 0, blocks);
    const full = measureCore(n, 1000, Math.ceil(blocks / 3));
    results[`n${n}.emptyBlocks`] = empty;
    results[`n${n}.blocks1000`] = full;
    process.stdout.write(
      `  consensus n=${n}: ${empty.blocksPerSecond.toFixed(0)} empty blocks/s, ` +
        `${full.blocksPerSecond.toFixed(0)} 1000-envelope blocks/s, ` +
        `${full.msPerBlockPerReplica.toFixed(3)} ms per block per replica (verify 1000: ${verifyMs.toFixed(1)} ms)\n`,
    );
    guards.push(
      guard(
        `n=${n}: verify(1000 envelopes) / core cost per 1000-envelope block`,
        verifyMs / full.msPerBlockPerReplica,
        20,
      ),
    );
  }
  const report: BenchReport = { name: 'consensus', results, guards };
  // Written here, like every other benchmark, so `run.js` records it too (only consensus-main did).
  writeReport(report);
  return report;
}
