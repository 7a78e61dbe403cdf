// The load driver process (forked by cluster-scenario.ts): receives a DriverPlan, pre-generates
// its envelopes, says `ready`, waits for `go`, then drives the nodes over gRPC, follows node 0's
// blocks for commit times, reports progress every second and its result at the end.
import '../../node/polyfill.js';
import { performance } from 'node:perf_hooks';
import { BkdmsClient } from '../../api/client.js';
import { CommitTracker } from './commits.js';
import { generateLoad } from './generate.js';
import type { DriverMessage, DriverPlan, DriverResult } from './plan.js';
import { driveLanes, newSendState } from './sender.js';
import { summarize } from './summary.js';

const send = (m: DriverMessage): void => void process.send?.(m);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function run(plan: DriverPlan, go: Promise<void>): Promise<DriverResult> {
  const t0 = performance.now();
  const load = generateLoad(plan, Date.now());
  const generateMs = performance.now() - t0;
  const clients = plan.rpc.map(
    (address) => new BkdmsClient({ address, tls: { insecure: true }, deadlineMs: 30_000 }),
  );
  try {
    const from = (await clients[0]!.getStatus()).height + 1;
    send({ type: 'ready', generated: load.envelopes.length, generateMs });
    await go;
    const epoch = performance.now();
    const clock = (): number => performance.now() - epoch;
    const tracker = new CommitTracker(load.byTracingCode, clock);
    tracker.follow(clients[0]!, from);
    const state = newSendState(load.envelopes.length);
    const progress = setInterval(() => {
      const rejected = Object.values(state.rejected).reduce((a, b) => a + b, 0);
      const { sent, accepted } = state;
      send({ type: 'progress', elapsedMs: clock(), sent, accepted, committed: tracker.committed, rejected });
    }, 1000);
    await driveLanes(
      { load, clients, plan, clock, pending: () => state.accepted - tracker.committed },
      state,
    );
    const sendEnd = clock();
    while (tracker.committed < state.accepted && clock() - sendEnd < plan.drainMs) await sleep(50);
    clearInterval(progress);
    await tracker.stop();
    return {
      ...summarize(plan, state, tracker, Math.min(sendEnd, plan.durationMs)),
      generated: load.envelopes.length,
      generateMs,
    };
  } finally {
    for (const c of clients) c.close();
  }
}

let resolveGo: () => void = () => undefined;
const go = new Promise<void>((r) => {
  resolveGo = r;
});
process.on('message', (m: { type?: string } & Partial<DriverPlan>) => {
  if (m.type === 'go') return resolveGo();
  if (m.type !== 'plan') return;
  run(m as unknown as DriverPlan, go)
    .then((r) => send(r))
    .catch((err: unknown) =>
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => process.disconnect?.());
});
