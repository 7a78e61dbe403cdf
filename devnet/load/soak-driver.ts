// The soak load driver process (forked by bench/soak.ts): receives a SoakPlan, seals one template
// per site, says `ready`, waits for `go`, then sends at a fixed rate for the whole run, making
// each envelope just before its upload, and counts committed envelopes from node 0's block
// stream. Memory stays flat however long the run: nothing is kept per envelope.
import '../../node/polyfill.js';
import { performance } from 'node:perf_hooks';
import { BkdmsClient } from '../../api/client.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { driveSoakLanes, newSoakState, type SoakSendState } from './soak-lanes.js';
import type { SoakCounts, SoakMessage, SoakPlan } from './soak-plan.js';
import { laneSources } from './soak-source.js';

const send = (m: SoakMessage): void => void process.send?.(m);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts the envelopes of every block `client` streams from `fromHeight` until stopped. */
function followCommits(
  client: BkdmsClient,
  fromHeight: number,
): { count: () => number; stop: () => Promise<void> } {
  const ac = new AbortController();
  let committed = 0;
  const done = (async () => {
    try {
      for await (const ev of client.subscribeBlocks(fromHeight, ac.signal))
        committed += decodeCertifiedBlock(ev.certifiedBlock).block.envelopes.length;
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    }
  })();
  return {
    count: () => committed,
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

async function run(plan: SoakPlan, go: Promise<void>): Promise<SoakMessage> {
  const sources = laneSources({ ...plan, laneCount: plan.rpc.length * plan.lanesPerNode }, Date.now());
  const clients = plan.rpc.map(
    (address) => new BkdmsClient({ address, tls: { insecure: true }, deadlineMs: 30_000 }),
  );
  try {
    const from = (await clients[0]!.getStatus()).height + 1;
    send({ type: 'ready' });
    await go;
    const epoch = performance.now();
    const clock = (): number => performance.now() - epoch;
    const commits = followCommits(clients[0]!, from);
    const state = newSoakState();
    const counts = (s: SoakSendState): SoakCounts => ({
      elapsedMs: Math.round(clock()),
      sent: s.sent,
      accepted: s.accepted,
      committed: commits.count(),
      rejected: Object.values(s.rejected).reduce((a, b) => a + b, 0),
      generateMs: Math.round(s.generateMs),
    });
    const progress = setInterval(() => send({ type: 'progress', ...counts(state) }), 1000);
    await driveSoakLanes({ ...plan, clock }, state, sources, clients);
    const sendMs = Math.round(clock());
    while (commits.count() < state.accepted && clock() - sendMs < plan.drainMs) await sleep(100);
    clearInterval(progress);
    await commits.stop();
    return { type: 'result', sendMs, rejectedByReason: state.rejected, ...counts(state) };
  } finally {
    for (const c of clients) c.close();
  }
}

let resolveGo: () => void = () => undefined;
const go = new Promise<void>((r) => {
  resolveGo = r;
});
process.on('message', (m: { type?: string }) => {
  if (m.type === 'go') return resolveGo();
  if (m.type !== 'plan') return;
  run(m as unknown as SoakPlan, go)
    .then((r) => send(r))
    .catch((err: unknown) =>
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
    )
    .finally(() => process.disconnect?.());
});
