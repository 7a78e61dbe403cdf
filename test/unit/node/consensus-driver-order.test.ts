// Persist before send (docs/consensus.md §1), in the node's real driver: every vote
// this node signs is in a WAL write that completed before the transport got the message, so a
// restarted node never signs a second, different one for the slot; and a committed block reaches
// the node (onCommitted) and the core (onBlocksApplied) only once the ledger has persisted it.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { decodeConsensusState } from '../../../codec/consensus-state.js';
import { DurableKind, scanDurableLog } from '../../../codec/durable-record.js';
import { type ConsensusMessage, MessageType } from '../../../codec/types.js';
import { bytesEqual } from '../../../consensus/bytes.js';
import { type PersistentState, VoteKind } from '../../../consensus/index.js';
import { loadConsensusState } from '../../../node/consensus-driver.js';
import { loggerFrom } from '../../../runtime/log.js';
import { Cluster } from '../../../testkit/sim/cluster.js';
import { type DriverEvent, type DriverHarness, driverHarness, walFile } from '../../sim/driver-harness.js';

/**
 * Real traffic for validator 1, which the simulator keeps down: 0, 2 and 3 commit block 1, then
 * 0 crashes and 2 and 3 ask for view 1 (whose primary is 1) with a second envelope waiting.
 */
function traffic(): { msgs: ConsensusMessage[]; waiting: Uint8Array[] } {
  const msgs: ConsensusMessage[] = [];
  const seen = new Set<ConsensusMessage>();
  const c = new Cluster({
    n: 4,
    seed: 7,
    tap: (m) => {
      if (!seen.has(m)) msgs.push(m);
      seen.add(m);
    },
  });
  c.crash(1);
  c.request(1);
  c.runUntil(() => c.nodes[2]!.height >= 1 && c.nodes[3]!.height >= 1, 100);
  c.crash(0);
  const waiting = c.request(1);
  const asked = (s: number) => msgs.some((m) => m.type === MessageType.ViewChange && m.sender === s);
  c.runUntil(() => asked(2) && asked(3), 300);
  return { msgs, waiting };
}

/** Whether a persisted state holds the signed message `m` (own votes are recorded per slot). */
function carries(state: PersistentState, m: ConsensusMessage): boolean {
  const vote = (kind: VoteKind, view: number, seq: number, digest?: Uint8Array) =>
    state.votes.some(
      (v) =>
        v.kind === kind &&
        v.view === view &&
        v.seq === seq &&
        (digest === undefined || bytesEqual(v.digest, digest)),
    );
  switch (m.type) {
    case MessageType.PrePrepare:
      return vote(VoteKind.PrePrepare, m.view, m.seq, m.digest);
    case MessageType.Prepare:
      return vote(VoteKind.Prepare, m.view, m.seq, m.digest);
    case MessageType.Commit:
      return vote(VoteKind.Commit, m.view, m.seq, m.digest);
    case MessageType.NewView:
      return vote(VoteKind.NewView, m.view, 0);
    case MessageType.ViewChange:
      return state.viewChange !== null && bytesEqual(state.viewChange.signature, m.signature);
    default:
      return false;
  }
}

type WalDone = Extract<DriverEvent, { kind: 'wal-done' }>;

/** Messages whose signature binds this node to a slot (CHECKPOINTs and state transfer do not). */
const VOTES = [
  MessageType.PrePrepare,
  MessageType.Prepare,
  MessageType.Commit,
  MessageType.ViewChange,
  MessageType.NewView,
];

let h: DriverHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('consensus driver: persist before send, apply after persist', () => {
  test('every own vote is durable in the WAL before it is sent', async () => {
    const { msgs, waiting } = traffic();
    h = await driverHarness(1, 4);
    await h.admit(waiting);
    await h.deliver(msgs);
    expect(h.fatal).toEqual([]);
    const ev: DriverEvent[] = h.events;
    const sent = ev.flatMap((e, i) =>
      e.kind === 'send' && VOTES.includes(e.msg.type) ? [{ i, m: e.msg }] : [],
    );
    // Not vacuous: as backup of view 0 and then primary of view 1 it signed all five kinds.
    expect(new Set(sent.map((s) => s.m.type))).toEqual(new Set(VOTES));
    for (const { i, m } of sent) {
      const before = ev.slice(0, i);
      const started = before.filter((e) => e.kind === 'wal-start').length;
      const durable = before.filter((e): e is WalDone => e.kind === 'wal-done');
      // No WAL write in flight while sending, and the last durable state holds this vote.
      expect(durable.length, `type ${m.type}`).toBe(started);
      const last = durable.at(-1);
      expect(last !== undefined && carries(last.state, m), `type ${m.type}`).toBe(true);
    }
  });

  test('broadcasts of PRE-PREPARE, PREPARE and COMMIT go on the peer streams, the others by gossip', async () => {
    const { msgs, waiting } = traffic();
    h = await driverHarness(1, 4);
    await h.admit(waiting);
    await h.deliver(msgs);
    const routes = new Map<MessageType, Set<string | undefined>>();
    for (const e of h.events) {
      if (e.kind !== 'send' || e.to !== 'all') continue;
      const set = routes.get(e.msg.type) ?? new Set();
      set.add(e.route);
      routes.set(e.msg.type, set);
    }
    const direct = [MessageType.PrePrepare, MessageType.Prepare, MessageType.Commit];
    for (const t of direct) expect(routes.get(t), `type ${t}`).toEqual(new Set(['direct']));
    // Not vacuous: view changes were broadcast too, and they stay on gossip.
    expect(routes.get(MessageType.ViewChange)).toEqual(new Set(['gossip']));
    for (const [t, set] of routes)
      if (!direct.includes(t)) expect(set, `type ${t}`).toEqual(new Set(['gossip']));
  });

  test('a committed block is persisted by the ledger before the node or the core hear of it', async () => {
    const { msgs } = traffic();
    h = await driverHarness(1, 4);
    await h.deliver(msgs);
    const at = (kind: DriverEvent['kind'], height: number) =>
      h!.events.findIndex((e) => e.kind === kind && 'height' in e && e.height === height);
    expect(at('commit-done', 1)).toBeGreaterThan(at('commit-start', 1));
    expect(at('on-committed', 1)).toBeGreaterThan(at('commit-done', 1));
    expect(at('core-applied', 1)).toBeGreaterThan(at('on-committed', 1));
    // This node's COMMIT for the block left (so, by the test above, was durable) before the
    // ledger began to commit the block.
    const commitSent = h.events.findIndex(
      (e) => e.kind === 'send' && e.msg.type === MessageType.Commit && e.msg.seq === 1,
    );
    expect(commitSent).toBeGreaterThan(-1);
    expect(commitSent).toBeLessThan(at('commit-start', 1));
    expect(h.replica.state).toMatchObject({ height: 1, applied: 1 });
  });

  test('a crash that tore the last WAL record: the restart reports the cut and restores the record before', async () => {
    const { msgs, waiting } = traffic();
    h = await driverHarness(1, 4);
    await h.admit(waiting);
    await h.deliver(msgs);
    await h.driver.stop();
    // The last append cut halfway: its write never completed, so (persist before send) nothing
    // it held was sent, and the state before it is what every message sent agrees with.
    const bytes = new Uint8Array(readFileSync(walFile(h.dir)));
    const records = scanDurableLog(bytes, DurableKind.ConsensusState).records;
    expect(records.length).toBeGreaterThanOrEqual(2);
    const last = records.at(-1)!;
    const before = decodeConsensusState(records.at(-2)!.payload);
    writeFileSync(walFile(h.dir), bytes.subarray(0, last.offset + Math.floor(last.length / 2)));
    await h.crash();
    const lines: { level: string; meta?: Record<string, unknown> }[] = [];
    const log = loggerFrom((level, _msg, meta) => lines.push({ level, meta }));
    const restored = loadConsensusState(h.store, log);
    expect(restored).toEqual(before);
    const warned = lines.find((l) => l.meta?.event === 'consensus.wal.torn');
    expect(warned?.level).toBe('warn');
    expect(warned?.meta).toMatchObject({
      offset: last.offset,
      droppedBytes: Math.floor(last.length / 2),
    });
    // A replica restarted from it is back in its view, with every vote the record holds.
    const again = await driverHarness(1, 4, restored);
    expect(again.replica.state).toMatchObject({ view: before.view, inViewChange: before.inViewChange });
    await again.close();
  });
});
