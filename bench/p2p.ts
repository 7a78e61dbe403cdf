// Network benchmark on loopback: two real P2P nodes. Measures gossip of single 300-byte messages
// (the consensus topic), the same envelopes through the batcher (the envelopes topic), and
// request/response roundtrips, sequential and 16 at a time. Guard (ratio in this run): batched
// envelopes/s must be well above single gossip messages/s, which is why envelopes are batched.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import { defaultP2POptions, type NodeIdentity, P2P, type P2POptions } from '../node/p2p/index.js';
import {
  type BenchOptions,
  type BenchReport,
  guard,
  printGuards,
  writeReport,
} from '../testkit/bench-report.js';

const SIZE = 300;

async function identity(): Promise<NodeIdentity> {
  const seed = new Uint8Array(randomBytes(32));
  return { seed, publicKey: (await generateKeyPairFromSeed('Ed25519', seed)).publicKey.raw };
}

/** Unique payloads (gossipsub drops repeats by content), tagged with their index. */
function payload(i: number): Uint8Array {
  const b = new Uint8Array(SIZE);
  new DataView(b.buffer).setUint32(0, i);
  return b;
}

/** Resolves once `count` units arrived at `node`; `units` says how many one message carries. */
function arrivals(node: P2P, count: number, units: (items: number) => number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const off = node.on('message', (m) => {
      seen += units(m.items.length);
      if (seen >= count) {
        off();
        resolve();
      }
    });
  });
}

async function pair(): Promise<[P2P, P2P]> {
  const ids = [await identity(), await identity()];
  const validators = ids.map((i) => i.publicKey);
  // Rate limits off: this measures the transport, not the limiter.
  const opts = (bootstrap: string[]): P2POptions => ({
    ...defaultP2POptions('bench'),
    bootstrap,
    messageRate: { perSecond: 1e9, burst: 1e9 },
    requestRate: { perSecond: 1e9, burst: 1e9 },
  });
  const a = new P2P({ identity: ids[0]!, validators, options: opts([]) });
  await a.start();
  const b = new P2P({ identity: ids[1]!, validators, options: opts(a.addresses) });
  const subscribed = new Promise<void>((resolve) => {
    const check = () => {
      if (a.subscribers('consensus').length === 1 && b.subscribers('consensus').length === 1) resolve();
    };
    a.on('subscribers', check);
    b.on('subscribers', check);
  });
  await b.start();
  await subscribed;
  return [a, b];
}

async function rate(n: number, run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  return n / ((performance.now() - t0) / 1000);
}

export async function runP2PBench(opts: BenchOptions): Promise<BenchReport> {
  const n = opts.ci ? 2_000 : 10_000;
  const [a, b] = await pair();
  try {
    b.onRequest(
      Array.from({ length: 256 }, (_, i) => i),
      async (_, req) => req,
    );
    const single = await rate(n, async () => {
      const done = arrivals(b, n, () => 1);
      await Promise.all(Array.from({ length: n }, (_, i) => a.broadcastConsensus(payload(i))));
      await done;
    });
    const batched = await rate(n * 5, async () => {
      const done = arrivals(b, n * 5, (items) => items);
      for (let i = 0; i < n * 5; i++) while (!a.submitEnvelope(payload(i))) await a.flushEnvelopes();
      await a.flushEnvelopes();
      await done;
    });
    const rounds = opts.ci ? 300 : 2_000;
    const sequential = await rate(rounds, async () => {
      for (let i = 0; i < rounds; i++) await a.request(1, payload(i));
    });
    const parallel = await rate(rounds, async () => {
      for (let i = 0; i < rounds; i += 16)
        await Promise.all(Array.from({ length: 16 }, (_, j) => a.request(1, payload(i + j))));
    });
    const results = {
      'gossip single 300 B msgs/s': Math.round(single),
      'gossip batched 300 B envelopes/s': Math.round(batched),
      'request/response roundtrips/s (sequential)': Math.round(sequential),
      'request/response roundtrips/s (16 in flight)': Math.round(parallel),
      // Shared machines: the absolute figures move with the load, the guard's ratio much less.
      'load average (1 min) at end': loadavg()[0],
    };
    for (const [k, v] of Object.entries(results)) process.stdout.write(`  p2p › ${k}: ${v}\n`);
    const guards = [guard('batched envelopes/s ÷ single gossip msgs/s', batched / single, 3)];
    printGuards(guards);
    const report: BenchReport = { name: 'p2p', results, guards };
    writeReport(report);
    return report;
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}
