// Shared by the frozen-peer suites (frozen-peer.test.ts in `npm test`, frozen-peer.long.test.ts in
// `npm run test:long`): a real 4-node cluster under a light upload load whose validators are taken
// out by SIGSTOP or replaced by a tarpit. A process stopped with SIGSTOP keeps its listening
// socket: the kernel still completes the TCP handshake, nothing answers after it, so every dial to
// it hangs in the handshake until the dial deadline. A killed validator whose port a tarpit holds
// (accepts, never writes) looks the same. The dial and ping timeouts are shortened through the
// node config so that each fault spans several dial deadlines within seconds; the path is the
// default one.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import { pause } from '../../api/retry.js';
import { UploadStatus } from '../../api/types.js';
import { tracingCode } from '../../crypto/hash.js';
import { peerIdOfPublicKey } from '../../node/p2p/identity.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';
import { followCommits } from '../support/follow-commits.js';

/** Dial deadline (until the peer has identified) and liveness-ping interval of every node. */
const DIAL_MS = 2_000;
const PING_MS = 1_000;
/** How long a fault lasts once the survivors have lost the peer: several dial deadlines. */
const HOLD_MS = 3 * DIAL_MS;
export const ALL = [0, 1, 2, 3];

let c: TestCluster;
/** Each site's next sequence number and unacknowledged batch, kept across cases. */
const nextSeq: number[] = [];
const outbox: (Uint8Array[] | undefined)[] = [];
const stopped = new Set<number>();
let tarpit: Tarpit | undefined;

/** The suite's cluster (started by useFrozenPeerCluster). */
export function cluster(): TestCluster {
  return c;
}

/** Starts the suite's cluster before its tests and stops it (and any tarpit) after them. */
export function useFrozenPeerCluster(): void {
  beforeAll(async () => {
    c = await startTestCluster(4, 2, { p2p: { dialTimeoutMs: DIAL_MS, pingIntervalMs: PING_MS } });
  }, 120_000);

  afterAll(async () => {
    // A stopped process would not act on the SIGTERM of dispose.
    for (const i of stopped) c?.procs[i]?.child.kill('SIGCONT');
    await tarpit?.close();
    await c?.dispose();
  });
}

/** Uploads each site's envelopes in order, in small batches, to the nodes in `targets`. */
export class Load {
  readonly acked: Uint8Array[] = [];
  readonly ackedBy: number[] = [];
  readonly rejected: string[] = [];
  private readonly ac = new AbortController();
  private readonly loops: Promise<void>[];

  constructor(public targets: number[]) {
    this.loops = c.sites.map((_, s) => this.loop(s));
  }

  private async loop(s: number): Promise<void> {
    const site = c.sites[s]!;
    while (!this.ac.signal.aborted) {
      // Like a site's outbox: the same envelopes until a node acknowledges them (a failed call may
      // still have admitted them, and a new envelope with the same number would be refused).
      let batch = outbox[s];
      if (batch === undefined) {
        const seq = nextSeq[s] ?? 1;
        batch = Array.from({ length: 10 }, (_, k) =>
          syntheticEnvelope(site, c.chainId, c.scp.publicKey, seq + k, Date.now()),
        );
        outbox[s] = batch;
        nextSeq[s] = seq + batch.length;
      }
      const target = this.targets[s % this.targets.length]!;
      try {
        const results = await c.client(target).uploadBatch(batch, { deadlineMs: 5_000 });
        results.forEach((r, k) => {
          if (r.status === UploadStatus.Rejected) this.rejected.push(r.message);
          else {
            this.acked.push(batch[k]!);
            this.ackedBy.push(target);
          }
        });
        outbox[s] = undefined;
      } catch {
        // Sent again next round, to the target of the moment.
      }
      // Light load: pacing, not synchronisation.
      await pause(100, this.ac.signal);
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.all(this.loops);
  }
}

/** Throws if a node of `nodes` has exited, with the end of its log. */
function assertRunning(nodes: readonly number[]): void {
  for (const i of nodes) {
    const child = c.procs[i]!.child;
    if (child.exitCode === null && child.signalCode === null) continue;
    const log = readFileSync(c.layout.nodes[i]!.logPath, 'utf8');
    throw new Error(
      `node ${i} exited (${child.exitCode ?? child.signalCode}); its log ends:\n${log.slice(-1500)}`,
    );
  }
}

/** Re-checks `cond` every 200 ms for up to `ms`, failing at once if a node of `watch` exits. */
export async function until(
  what: string,
  cond: () => Promise<boolean>,
  ms: number,
  watch: number[],
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    assertRunning(watch);
    let met: boolean;
    try {
      met = await cond();
    } catch (err) {
      // A call to a node that has just died: report the exit (with its log), not the transport error.
      await Promise.race([Promise.race(watch.map((i) => c.procs[i]!.exited)), pause(2_000)]);
      assertRunning(watch);
      throw err;
    }
    if (met) return;
    if (Date.now() > end)
      throw new Error(`timed out after ${ms} ms waiting for ${what}: ${await snapshot(watch)}`);
    await pause(200);
  }
}

export const status = (i: number) => c.client(i).getStatus({ deadlineMs: 30_000 });

/** Height, view and peer count of each node, for a failure message. */
async function snapshot(nodes: number[]): Promise<string> {
  const each = await Promise.all(
    nodes.map((i) =>
      status(i).then(
        (st) => `node ${i} height ${st.height} view ${st.view} peers ${st.peers.length}`,
        () => `node ${i} no status`,
      ),
    ),
  );
  return each.join('; ');
}
export const heights = async (nodes: number[]): Promise<number[]> =>
  Promise.all(nodes.map(async (i) => (await status(i)).height));
const peerIdOf = (i: number): string => peerIdOfPublicKey(c.validators[i]!);

/**
 * Runs `fault` (which takes node x out), then holds it while the other three keep committing:
 * until they have lost x, HOLD_MS have passed since, and each has committed 5 blocks more.
 */
export async function survive(x: number, load: Load, fault: () => Promise<void>): Promise<number[]> {
  const others = ALL.filter((i) => i !== x);
  load.targets = others;
  const before = Math.max(...(await heights(others)));
  await fault();
  await until(
    `nodes ${others} to lose node ${x}`,
    async () => (await Promise.all(others.map(status))).every((s) => !s.peers.includes(peerIdOf(x))),
    30_000,
    others,
  );
  const lost = Date.now();
  await until(
    `nodes ${others} to commit 5 blocks while node ${x} is out`,
    async () => Date.now() - lost >= HOLD_MS && Math.min(...(await heights(others))) >= before + 5,
    60_000,
    others,
  );
  return others;
}

/** Every envelope acknowledged by a node of `by` is in node i's chain (followed block by block). */
export async function expectCommitted(load: Load, by: number[], i: number): Promise<void> {
  const need = new Set<string>();
  load.acked.forEach((env, k) => {
    if (by.includes(load.ackedBy[k]!)) need.add(Buffer.from(tracingCode(env)).toString('hex'));
  });
  expect(need.size).toBeGreaterThan(0);
  await followCommits(c.client(i), need, 60_000);
  expect(need.size, 'acknowledged envelopes not committed').toBe(0);
}

export interface Tarpit {
  readonly accepted: number;
  /** Connections whose dialer gave up (closed them). */
  readonly hungUp: number;
  close(): Promise<void>;
}

/** A TCP listener on `port` that accepts every connection and never answers. */
async function startTarpit(port: number): Promise<Tarpit> {
  const sockets = new Set<Socket>();
  let hungUp = 0;
  let accepted = 0;
  const server: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    // Reads and discards what comes (so it sees the dialer hang up); never writes.
    s.resume();
    s.on('error', () => undefined);
    s.on('close', () => {
      sockets.delete(s);
      hungUp++;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    get accepted() {
      return accepted;
    },
    get hungUp() {
      return hungUp;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A tarpit on node x's P2P port, closed with the cluster. */
export async function tarpitOn(x: number): Promise<Tarpit> {
  tarpit = await startTarpit(c.layout.nodes[x]!.ports.p2p);
  return tarpit;
}

/** Node i's bkdms_uncaught_errors_total, both kinds (the process guard counts what nothing caught). */
async function uncaughtErrors(i: number): Promise<number> {
  const text = await (await fetch(`http://${c.mgmt[i]}/metrics`)).text();
  const values = [...text.matchAll(/^bkdms_uncaught_errors_total\{[^}]*\} (\d+)$/gm)].map((m) =>
    Number(m[1]),
  );
  expect(values).toHaveLength(2);
  return values.reduce((a, b) => a + b, 0);
}

/** The nodes ran through the fault without an error nothing caught. */
export async function expectNoUncaught(nodes: number[]): Promise<void> {
  for (const i of nodes) expect(await uncaughtErrors(i), `node ${i}`).toBe(0);
}

/** SIGSTOP node x; the others keep committing (survive); SIGCONT; x catches up with them. */
export async function freeze(x: number, load: Load): Promise<void> {
  const others = await survive(x, load, async () => {
    c.procs[x]!.child.kill('SIGSTOP');
    stopped.add(x);
  });
  c.procs[x]!.child.kill('SIGCONT');
  stopped.delete(x);
  const top = Math.max(...(await heights(others)));
  await until(`node ${x} to catch up to ${top}`, async () => (await status(x)).height >= top, 90_000, ALL);
}
