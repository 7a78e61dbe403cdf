// A node joining by state sync on a chain whose validator set changed before the snapshot: the
// light-client anchor follows the change from the proof peers keep of it (CHANGE), the install
// carries every change proof up to the base (verified from genesis, whatever anchor verified the
// snapshot), the installed node serves it, and a forged proof is refused and its sender reported.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightClient } from '../../../api/light-client.js';
import {
  decodeSnapshotRequest,
  encodeSnapshotRequest,
  SnapshotRequestKind,
} from '../../../codec/snapshot-messages.js';
import { K, type Scheduled } from '../../../ledger/records.js';
import { buildSnapshot } from '../../../ledger/snapshot.js';
import type { ContractState } from '../../../ledger/state.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import {
  type AskPeer,
  LightClientAnchor,
  type TrustedHeaderAnchor,
} from '../../../node/snapshot/header-anchor.js';
import { SnapshotFiles } from '../../../node/snapshot/snapshot-files.js';
import { SnapshotServer } from '../../../node/snapshot/snapshot-server.js';
import { StateSync } from '../../../node/snapshot/state-sync.js';
import { SyncProgress } from '../../../node/snapshot/sync-progress.js';
import { changesUpTo } from '../../../node/snapshot/validator-changes.js';
import { StateReads } from '../../../node/state-reads.js';
import { MemoryDb, Store } from '../../../node/store/index.js';
import { validatorChangeProof } from '../../../node/validator-proofs.js';
import { silentLogger } from '../../../runtime/log.js';
import { ACTIVATION, builder, chain, newSet } from '../node/change-chain.js';
import { hexOf } from '../store/fixtures.js';

const BASE = 8;
const scheduleIn = (state: ContractState) => state.get<Scheduled<string[]>[]>(K.validators) ?? [];
const genesis = { chainId: chain.genesis.chainId, validators: chain.validators.map((v) => v.publicKey) };
type Handler = (req: Uint8Array) => Promise<Uint8Array>;

let dir: string;
let source: PersistedLedger;
let b: ReturnType<typeof builder>;
let honest: Handler;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bkdms-changes-'));
  source = await PersistedLedger.open(join(dir, 'source'), chain.genesis, { db: new MemoryDb() });
  b = builder(source);
  await b.upTo(BASE);
  const files = await SnapshotFiles.open(join(dir, 'snapshots'), 4);
  await files.write(
    buildSnapshot(source.contracts.state.entries(), {
      chainId: chain.genesis.chainId,
      height: BASE,
      blockHash: b.built[BASE - 1]!.hash,
    }),
  );
  // Header BASE + 1 certifies the snapshot; the peer's proven tip is above it.
  await b.upTo(BASE + 3);
  const reads = new StateReads({ store: source.store, contracts: source.contracts, proven: source.proven });
  honest = new SnapshotServer({ files, store: source.store, prove: (keys) => reads.prove(keys) }).handle;
});
afterAll(async () => {
  await source.close();
  await rm(dir, { recursive: true, force: true });
});

/** A peer that flips a byte in the bucket proof of every CHANGE answer it gives. */
function forgingChanges(h: Handler): Handler {
  return async (req) => {
    const res = await h(req);
    if (decodeSnapshotRequest(req).kind !== SnapshotRequestKind.Change) return res;
    const out = Uint8Array.from(res);
    out[out.length - 5] = (out[out.length - 5] as number) ^ 1;
    return out;
  };
}

function askOf(peers: Record<string, Handler>): AskPeer {
  return async (peer, req, maxBytes) => {
    const res = await (peers[peer] as Handler)(req);
    if (res.length > maxBytes) throw new Error('OVERSIZED');
    return res;
  };
}

async function syncWith(peers: Record<string, Handler>, anchor: LightClientAnchor | TrustedHeaderAnchor) {
  const progressDir = await mkdtemp(join(dir, 'progress-'));
  return new StateSync({
    chainId: chain.genesis.chainId,
    peers: () => Object.keys(peers),
    ask: askOf(peers),
    anchor,
    progress: new SyncProgress(progressDir),
    penalize: () => {},
    log: silentLogger,
  }).run();
}

describe('change proofs for a node joining by state sync', () => {
  it('the CHANGE request is the documented bytes (docs/wire-format.md §15.4)', () => {
    const req = encodeSnapshotRequest({ kind: SnapshotRequestKind.Change, height: 300 });
    expect(Buffer.from(req).toString('hex')).toBe('57000000000000012c');
    expect(decodeSnapshotRequest(req)).toEqual({ kind: SnapshotRequestKind.Change, height: 300 });
    expect(() => decodeSnapshotRequest(Uint8Array.from([0x58, 0, 0, 0, 0, 0, 0, 1, 44]))).toThrow();
  });

  it('follows the change from genesis, installs its proof with the base, and serves it once installed', async () => {
    const peers = { p0: honest, p1: honest };
    const penalized: string[] = [];
    const anchor = new LightClientAnchor(genesis, (peer) => penalized.push(peer));
    const out = await syncWith(peers, anchor);
    expect(out.manifest.height).toBe(BASE);
    expect([...anchor.changes.keys()]).toEqual([ACTIVATION]);
    const { changes, missing } = await changesUpTo({
      genesis,
      schedule: scheduleIn(out.state),
      base: BASE,
      peers: Object.keys(peers),
      ask: askOf(peers),
      penalize: (peer) => penalized.push(peer),
      known: anchor.changes,
    });
    expect(missing).toEqual([]);
    expect(changes.map((c) => c.activation)).toEqual([ACTIVATION]);
    expect(penalized).toEqual([]);

    const installed = join(dir, 'installed');
    await Store.installBase(installed, {
      height: BASE,
      header: out.tipHeader,
      certificate: out.tipCertificate,
      stateRoot: out.manifest.stateRoot,
      entries: out.state.entries(),
      hashLogFrontier: out.hashLogFrontier,
      hashLogRoot: out.certifying.header.hashLogRoot,
      validatorChanges: changes,
    });
    const ledger = await PersistedLedger.open(installed, chain.genesis);
    try {
      // Header ACTIVATION - 1 is below the base: not held as a header, yet its change proof is served.
      await expect(ledger.store.getHeader(ACTIVATION - 1)).rejects.toMatchObject({ code: 'PRUNED' });
      const proof = await validatorChangeProof(ledger.store, ACTIVATION);
      expect(proof).toEqual(await validatorChangeProof(source.store, ACTIVATION));
      const lc = new LightClient(genesis);
      expect(lc.accept(proof, ACTIVATION - 1)).toBe(ACTIVATION - 1);
      expect(lc.candidateAt(ACTIVATION).map(hexOf)).toEqual(newSet.map((k) => hexOf(k.publicKey)));
      // The installed node answers the snapshot protocol's CHANGE as well.
      const files = await SnapshotFiles.open(join(dir, 'installed-snapshots'), 4);
      const served = new SnapshotServer({
        files,
        store: ledger.store,
        prove: () => Promise.reject(new Error('not asked')),
      });
      const again = await changesUpTo({
        genesis,
        schedule: scheduleIn(out.state),
        base: BASE,
        peers: ['installed'],
        ask: askOf({ installed: served.handle }),
        penalize: (peer) => penalized.push(peer),
      });
      expect(again.changes.map((c) => c.activation)).toEqual([ACTIVATION]);
    } finally {
      await ledger.close();
    }
  });

  it('refuses a forged change proof, reports its sender, and takes the proof from an honest peer', async () => {
    const peers = { liar: forgingChanges(honest), p1: honest };
    const penalized: string[] = [];
    const anchor = new LightClientAnchor(genesis, (peer) => penalized.push(peer));
    const verified = await anchor.verify(
      BASE + 1,
      await source.store.getHeader(BASE + 1),
      await source.store.getCertificate(BASE + 1),
      ['liar', 'p1'],
      askOf(peers),
    );
    expect(verified.header.height).toBe(BASE + 1);
    expect(penalized).toEqual(['liar']);
    const got = anchor.changes.get(ACTIVATION);
    expect(got).toEqual({ activation: ACTIVATION, ...(await source.store.validatorChange(ACTIVATION)) });
    // Fetched for the install without the anchor's proofs (as after a pinned-header anchor).
    const blamed: string[] = [];
    const { changes } = await changesUpTo({
      genesis,
      schedule: scheduleIn(source.contracts.state),
      base: BASE,
      peers: ['liar', 'p1'],
      ask: askOf(peers),
      penalize: (peer) => blamed.push(peer),
    });
    expect(changes).toEqual([got]);
    expect(blamed).toEqual(['liar']);
  });

  it('when only forged proofs are offered: the change is missing for the install, and the light-client anchor cannot pass it', async () => {
    const peers = { liar: forgingChanges(honest), liar2: forgingChanges(honest) };
    const blamed: string[] = [];
    const { changes, missing } = await changesUpTo({
      genesis,
      schedule: scheduleIn(source.contracts.state),
      base: BASE,
      peers: Object.keys(peers),
      ask: askOf(peers),
      penalize: (peer) => blamed.push(peer),
    });
    expect(changes).toEqual([]);
    expect(missing).toEqual([ACTIVATION]);
    expect(blamed.sort()).toEqual(['liar', 'liar2']);
    const anchor = new LightClientAnchor(genesis);
    await expect(syncWith(peers, anchor)).rejects.toMatchObject({ code: 'NO_PEERS' });
    expect(anchor.changes.size).toBe(0);
  });

  it('a genuine proof against another header is not taken; a peer that keeps none is skipped, not blamed', async () => {
    // The peer's tip proof (header BASE + 3, certified by the new set) served as the change proof.
    const wrongHeader: Handler = async (req) => {
      const q = decodeSnapshotRequest(req);
      if (q.kind !== SnapshotRequestKind.Change) return honest(req);
      return honest(Uint8Array.from([SnapshotRequestKind.Validators]));
    };
    const blamed: string[] = [];
    const { changes, missing } = await changesUpTo({
      genesis,
      schedule: scheduleIn(source.contracts.state),
      base: BASE,
      peers: ['wrong'],
      ask: askOf({ wrong: wrongHeader }),
      penalize: (peer) => blamed.push(peer),
    });
    expect(changes).toEqual([]);
    expect(missing).toEqual([ACTIVATION]);
    expect(blamed).toEqual(['wrong']);
    // A peer that keeps none is skipped, not blamed.
    const none: Handler = async (req) =>
      decodeSnapshotRequest(req).kind === SnapshotRequestKind.Change
        ? Promise.reject(new Error('NOT_FOUND'))
        : honest(req);
    const quiet: string[] = [];
    const r = await changesUpTo({
      genesis,
      schedule: scheduleIn(source.contracts.state),
      base: BASE,
      peers: ['none'],
      ask: askOf({ none }),
      penalize: (peer) => quiet.push(peer),
    });
    expect(r.missing).toEqual([ACTIVATION]);
    expect(quiet).toEqual([]);
  });
});
