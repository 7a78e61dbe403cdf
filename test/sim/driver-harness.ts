// The node's real consensus driver (node/consensus-driver.ts) around a simulator replica (stub
// crypto, stub block building), so that node tests can feed it real simulator traffic and watch
// what it does, in order: WAL writes (started / durable), sends, block commits, blocks applied.
// The store is the real Store over the in-memory Db twin; the ledger is a stand-in that records
// commits (the sim's stub-hashed blocks are not blocks the real contracts could execute).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { decodeConsensusMessage, encodeConsensusMessage } from '../../codec/consensus-messages.js';
import { decodeConsensusState } from '../../codec/consensus-state.js';
import { DurableKind, scanDurableLog } from '../../codec/durable-record.js';
import {
  decodeBodiesResponse,
  decodeProposalRef,
  encodeBodiesRequest,
  encodeProposalRef,
  isProposalRef,
  type ProposalRef,
} from '../../codec/proposal-ref.js';
import {
  type CertifiedBlock,
  type ConsensusMessage,
  MessageType,
  type PrePrepare,
} from '../../codec/types.js';
import { toHex } from '../../consensus/bytes.js';
import { defaultConsensusParams, type PersistentState, Replica } from '../../consensus/index.js';
import { proposalRefOf } from '../../consensus/proposal-ref.js';
import { ContractState } from '../../ledger/state.js';
import { Mempool } from '../../node/chain/mempool.js';
import { ConsensusDriver } from '../../node/consensus-driver.js';
import type { PersistedLedger } from '../../node/persisted-ledger.js';
import { ProposalBodies } from '../../node/proposal-bodies.js';
import { WAL_FILE } from '../../node/store/consensus-wal.js';
import { MemoryDb, Store, type Tip } from '../../node/store/index.js';
import { CHAIN_ID, GENESIS_HASH, type NodeHost, SimNode } from '../../testkit/sim/node.js';
import { stubHash, stubPublicKey } from '../../testkit/sim/stub-crypto.js';

export type DriverEvent =
  | { kind: 'wal-start' }
  | { kind: 'wal-done'; state: PersistentState }
  | { kind: 'send'; to: 'all' | number; msg: ConsensusMessage; route?: 'gossip' | 'direct' }
  | { kind: 'commit-start' | 'commit-done' | 'on-committed' | 'core-applied'; height: number };

export interface DriverHarness {
  driver: ConsensusDriver;
  replica: Replica;
  store: Store;
  db: MemoryDb;
  /** The store's data folder (its WAL file is `walFile(dir)`). */
  dir: string;
  events: DriverEvent[];
  /** What the driver reported to onFatal (a test expects none). */
  fatal: unknown[];
  /** The driver's proposal bodies (its counters say what became of each PROPOSAL). */
  bodies: ProposalBodies;
  /**
   * Hands each message to the driver as received bytes, then waits until it processed them all.
   * A PRE-PREPARE goes as the PROPOSAL its primary sends, and the harness plays that primary: it
   * answers the driver's BODIES-REQUESTs with `serve` (by default from the PRE-PREPARE's block).
   */
  deliver(msgs: ConsensusMessage[]): Promise<void>;
  /** The primary's side of a BODIES-REQUEST; replace it to answer late, wrongly or not at all. */
  serve: (index: number, request: Uint8Array) => Promise<Uint8Array>;
  /** Envelopes admitted by the mempool (as gossip brings them), then waits until processed. */
  admit(envelopes: Uint8Array[]): Promise<void>;
  /** Envelopes into the mempool only (gossip that arrives while a proposal is being completed). */
  gossip(envelopes: Uint8Array[]): void;
  /**
   * Power loss once the driver is stopped: the Db loses every write not synced, and the store is
   * opened again over it, as a restarted node would (`store` is then the reopened one).
   */
  crash(): Promise<void>;
  close(): Promise<void>;
}

/** The deps of a SimNode never call its host: only the key and its block log matter. */
const noHost = new Proxy({} as NodeHost, {
  get: () => {
    throw new Error('the driver harness has no simulator host');
  },
});

/** Small, so that the driver tests rewrite the WAL file now and then as a long-running node does. */
const WAL_COMPACT_BYTES = 64 * 1024;

export const walFile = (dir: string): string => join(dir, 'wal', WAL_FILE);

/** The state of the WAL file's last whole record, read from disk. */
export function lastWalState(dir: string): PersistentState {
  const scan = scanDurableLog(new Uint8Array(readFileSync(walFile(dir))), DurableKind.ConsensusState);
  const last = scan.records.at(-1);
  if (last === undefined) throw new Error('the WAL file holds no record');
  return decodeConsensusState(last.payload);
}

const noFetch = {
  request: () => Promise.reject(new Error('the harness primary fetches nothing')),
  txHash: (e: Uint8Array) => stubHash(e, 3),
  log: pino({ level: 'silent' }),
};

function fromRef(ref: ProposalRef, envelopes: Uint8Array[]): PrePrepare {
  const { sender, signature, view, seq, digest, header } = ref;
  return { type: MessageType.PrePrepare, sender, signature, view, seq, digest, block: { header, envelopes } };
}

/** One step of the event loop: every pending promise continuation runs first. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Validator `self` of `n` stub validators at genesis, run by the real driver (restarted from `restored`). */
export async function driverHarness(
  self: number,
  n: number,
  restored?: PersistentState,
): Promise<DriverHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'bkdms-driver-'));
  const db = new MemoryDb();
  const store = await Store.open(dir, { db, walCompactBytes: WAL_COMPACT_BYTES });
  const sim = new SimNode(self, stubPublicKey(self), noHost, true);
  const events: DriverEvent[] = [];
  const fatal: unknown[] = [];
  const replica = new Replica(
    {
      chainId: CHAIN_ID,
      self,
      validators: Array.from({ length: n }, (_, i) => stubPublicKey(i)),
      params: defaultConsensusParams(),
      tip: { height: 0, hash: GENESIS_HASH },
    },
    sim.deps,
    restored,
  );
  const coreApplied = replica.onBlocksApplied.bind(replica);
  replica.onBlocksApplied = (height) => {
    events.push({ kind: 'core-applied', height });
    coreApplied(height);
  };
  // A WAL write takes a turn of the event loop before it is durable: a driver that did not wait
  // for it would send in between. The state recorded is the one read back from the WAL file.
  const put = store.putConsensusState.bind(store);
  store.putConsensusState = async (state) => {
    events.push({ kind: 'wal-start' });
    await turn();
    await put(state);
    events.push({ kind: 'wal-done', state: lastWalState(dir) });
  };
  let tip: Tip | undefined;
  const commit = async (_bytes: Uint8Array, cb: CertifiedBlock): Promise<{ tip: Tip }> => {
    const height = cb.block.header.height;
    events.push({ kind: 'commit-start', height });
    await turn();
    sim.log.push(cb); // the applied chain the sim deps build and validate against
    tip = { height, hash: cb.certificate.blockHash, stateRoot: new Uint8Array(32), location: loc };
    events.push({ kind: 'commit-done', height });
    return { tip };
  };
  const loc = { segment: 0, offset: 0, length: 0 };
  // The driver uses only these members of its PersistedLedger.
  const ledger = { store, contracts: { state: new ContractState() }, tip: () => tip, commit };
  const mempool = new Mempool();
  const entry = (bytes: Uint8Array, seq: number) => {
    const code = stubHash(bytes, 3);
    return { id: toHex(code), code, bytes, signer: toHex(code), seq };
  };
  const primary = new ProposalBodies({ ...noFetch, lookup: () => undefined });
  const bodies = new ProposalBodies({
    lookup: (code) => mempool.get(toHex(code))?.bytes,
    request: (index, bytes) => h.serve(index, bytes),
    txHash: sim.deps.txHash,
    log: pino({ level: 'silent' }),
  });
  // What the driver sent, as the core made it: a PROPOSAL with its block from the driver's own copy.
  const asSent = (bytes: Uint8Array): ConsensusMessage => {
    if (!isProposalRef(bytes)) return decodeConsensusMessage(bytes);
    const ref = decodeProposalRef(bytes);
    const indexes = ref.codes.map((_, i) => i);
    const envelopes =
      indexes.length === 0
        ? []
        : decodeBodiesResponse(
            bodies.answer(encodeBodiesRequest({ digest: ref.digest, indexes })),
            indexes.length,
          );
    return fromRef(ref, envelopes);
  };
  const record = (to: 'all' | number, bytes: Uint8Array, route?: 'gossip' | 'direct') =>
    events.push({ kind: 'send', to, msg: asSent(bytes), ...(route === undefined ? {} : { route }) });
  const driver = new ConsensusDriver({
    replica,
    ledger: ledger as unknown as PersistedLedger,
    mempool,
    bodies,
    transport: { broadcast: (b, route) => record('all', b, route), sendTo: (i, b) => record(i, b) },
    log: pino({ level: 'silent' }),
    preverify: async () => undefined,
    onCommitted: (cb) => events.push({ kind: 'on-committed', height: cb.block.header.height }),
    onFatal: (err) => fatal.push(err),
  });
  const idle = async () => {
    // Bounded in time, not in turns: the driver waits on real WAL writes, which a loaded machine
    // makes slow (thousands of event-loop turns) without anything being wrong.
    const deadline = Date.now() + 60_000;
    while (driver.queued > 0) {
      if (Date.now() > deadline) throw new Error('the driver does not settle');
      await turn();
    }
  };
  const h: DriverHarness = {
    driver,
    replica,
    store,
    db,
    dir,
    events,
    fatal,
    bodies,
    serve: async (_index, request) => primary.answer(request),
    deliver: async (msgs) => {
      for (const m of msgs) {
        if (m.type !== MessageType.PrePrepare) await driver.onMessage(encodeConsensusMessage(m));
        else {
          primary.remember(m);
          await driver.onMessage(encodeProposalRef(proposalRefOf(m, sim.deps.txHash)));
        }
      }
      await idle();
    },
    admit: async (envelopes) => {
      const entries = envelopes.map(entry);
      for (const e of entries) mempool.add(e);
      driver.addRequests(entries);
      await idle();
    },
    gossip: (envelopes) => {
      for (const e of envelopes.map(entry)) mempool.add(e);
    },
    crash: async () => {
      await driver.stop();
      db.crashUnsynced();
      await h.store.close();
      h.store = await Store.open(dir, { db: db.reopen(), walCompactBytes: WAL_COMPACT_BYTES });
    },
    close: async () => {
      await driver.stop();
      await h.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
