// The verification bound of a load run, measured in the same run: the best native Ed25519 verify
// rate on one core (the faster of libsodium and node:crypto, crypto-verify-rate.ts), and the
// same loop on every core at once in worker threads. On an idle machine the second is the first
// times the cores; on a shared one (Linux autogroup gives each session one share of the CPU,
// whatever its thread count) it is what this session can really verify, so the guards use it.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { verify } from '../../crypto/ed25519.js';
import { verifyNode } from '../../crypto/ed25519-node.js';
import { measureBestVerifyRate, signedItems } from './crypto-verify-rate.js';
import { parseProcStat } from './proc-stats.js';

export interface VerifyBound {
  cores: number;
  /** Best verifies/s on one core. */
  oneCore: number;
  /** oneCore × cores: the definition of the machine's verify rate. */
  nominal: number;
  /** Verifies/s with one busy thread per core at the same time. */
  allCores: number;
  /** Best verifies per CPU-second of this thread: what a node's CPU time is compared with. */
  perCpuSecond: number;
}

/** CPU seconds of this thread alone (process.cpuUsage would add GC and other threads). */
const threadCpu = (): number => parseProcStat(readFileSync('/proc/thread-self/stat', 'utf8'));

/** Verifications per CPU-second of this thread (not wall second), the faster of libsodium and node:crypto. */
export function verifiesPerCpuSecond(ms: number): number {
  const items = signedItems(256);
  const rate = (fn: typeof verify): number => {
    const t0 = performance.now();
    const c0 = threadCpu();
    let n = 0;
    while (performance.now() - t0 < ms)
      for (let k = 0; k < 64; k++, n++) {
        const it = items[n % items.length]!;
        if (!fn(it.publicKey, it.message, it.signature)) throw new Error('benchmark item failed to verify');
      }
    return n / (threadCpu() - c0);
  };
  return Math.max(rate(verify), rate(verifyNode));
}

// The worker measures with the same function; it runs as an ESM module of this compiled file.
const workerSource = `
  const { parentPort, workerData } = await import('node:worker_threads');
  const { measureBestVerifyRate } = await import(workerData.module);
  parentPort.postMessage(measureBestVerifyRate(workerData.ms));
`;

function parallelRate(cores: number, ms: number): Promise<number> {
  const module = new URL('./crypto-verify-rate.js', import.meta.url).href;
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource)}`), {
        workerData: { module, ms },
      });
      w.once('message', (rate: number) => resolve(rate));
      w.once('error', reject);
    });
  return Promise.all(Array.from({ length: cores }, one)).then((r) => r.reduce((a, b) => a + b, 0));
}

export async function measureVerifyBound(ms: number): Promise<VerifyBound> {
  const cores = availableParallelism();
  const oneCore = measureBestVerifyRate(ms);
  const allCores = await parallelRate(cores, ms);
  return {
    cores,
    oneCore: Math.round(oneCore),
    nominal: Math.round(oneCore * cores),
    allCores: Math.round(allCores),
    perCpuSecond: Math.round(verifiesPerCpuSecond(ms)),
  };
}

/** The better of two measurements (taken before and after the load, as load on the machine drifts). */
export function bestBound(a: VerifyBound, b: VerifyBound): VerifyBound {
  const oneCore = Math.max(a.oneCore, b.oneCore);
  return {
    cores: a.cores,
    oneCore,
    nominal: oneCore * a.cores,
    allCores: Math.max(a.allCores, b.allCores),
    perCpuSecond: Math.max(a.perCpuSecond, b.perCpuSecond),
  };
}
