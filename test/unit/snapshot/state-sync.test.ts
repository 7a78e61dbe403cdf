import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_CHUNKS } from '../../../codec/snapshot.js';
import {
  decodeSnapshotRequest,
  encodeSnapshotList,
  SnapshotRequestKind,
} from '../../../codec/snapshot-messages.js';
import { SnapshotErrorCode } from '../../../node/snapshot/errors.js';
import {
  type HeaderAnchor,
  LightClientAnchor,
  TrustedHeaderAnchor,
} from '../../../node/snapshot/header-anchor.js';
import { StateSync } from '../../../node/snapshot/state-sync.js';
import { SyncProgress } from '../../../node/snapshot/sync-progress.js';
import { farBehindError } from '../../../node/wiring/state-sync.js';
import { silentLogger } from '../../../runtime/log.js';
import {
  type Chain,
  chainAt,
  chainId,
  frontierAt,
  type Handler,
  peerOf,
  stateWith,
  validators,
} from './sync-fixture.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bkdms-sync-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Net {
  peers: Record<string, Handler>;
  chunkAsks: Record<string, number>;
  penalized: string[];
  /** Throws for every chunk request once this many chunks were served (an interruption). */
  cutAfter?: number;
}

function syncOf(
  net: Net,
  anchor: HeaderAnchor = new LightClientAnchor({ chainId, validators }),
  minHeight?: number,
): StateSync {
  let served = 0;
  return new StateSync({
    ...(minHeight === undefined ? {} : { minHeight }),
    chainId,
    peers: () => Object.keys(net.peers),
    ask: async (peer, req, maxBytes) => {
      if (decodeSnapshotRequest(req).kind === SnapshotRequestKind.Chunk) {
        // Counted before the await, so exactly cutAfter chunks are served however many are in flight.
        if (net.cutAfter !== undefined && served >= net.cutAfter) throw new Error('connection lost');
        served++;
        net.chunkAsks[peer] = (net.chunkAsks[peer] ?? 0) + 1;
      }
      const res = await (net.peers[peer] as Handler)(req);
      if (res.length > maxBytes) throw new Error('OVERSIZED');
      return res;
    },
    anchor,
    progress: new SyncProgress(join(dir, 'statesync')),
    penalize: (peer) => net.penalized.push(peer),
    log: silentLogger,
    parallel: 4,
  });
}

/** A peer that flips the last byte of every chunk it serves. */
function lying(h: Handler): Handler {
  return async (req) => {
    const res = await h(req);
    if (decodeSnapshotRequest(req).kind !== SnapshotRequestKind.Chunk) return res;
    const out = Uint8Array.from(res);
    out[out.length - 1] = (out[out.length - 1] as number) ^ 1;
    return out;
  };
}

async function netOf(chain: Chain, n = 3): Promise<Net> {
  const peers: Record<string, Handler> = {};
  for (let i = 0; i < n; i++) peers[`p${i}`] = await peerOf(chain);
  return { peers, chunkAsks: {}, penalized: [] };
}

describe('state sync', () => {
  const chain = chainAt(40, stateWith(500));

  it('verifies the header through the light client, fetches from every peer and rebuilds the state', async () => {
    const net = await netOf(chain);
    const out = await syncOf(net).run();
    expect(out.manifest.height).toBe(40);
    expect(hex(out.state.root())).toBe(hex(chain.state.root()));
    expect(out.state.size).toBe(chain.state.size);
    expect(out.fetched).toBe(SNAPSHOT_CHUNKS);
    expect(hex(out.tipHeader)).toBe(hex((chain.headers.get(40) as { bytes: Uint8Array }).bytes));
    expect(Object.keys(net.chunkAsks).sort()).toEqual(['p0', 'p1', 'p2']);
    expect(net.penalized).toEqual([]);
  });

  it('refetches a bad chunk from another peer and reports the peer that sent it', async () => {
    const net = await netOf(chain);
    net.peers.p1 = lying(net.peers.p1 as Handler);
    const out = await syncOf(net).run();
    expect(hex(out.state.root())).toBe(hex(chain.state.root()));
    expect(net.penalized).toEqual(['p1']);
    expect(net.chunkAsks.p1).toBe(1);
  });

  it('takes the block-hash log frontier that leads to the certified root, reporting peers that forge it', async () => {
    const forging =
      (h: Handler): Handler =>
      async (req) => {
        const res = await h(req);
        if (decodeSnapshotRequest(req).kind !== SnapshotRequestKind.HashLog) return res;
        const out = Uint8Array.from(res);
        out[1] = (out[1] as number) ^ 1;
        return out;
      };
    const net = await netOf(chain);
    net.peers.p0 = forging(net.peers.p0 as Handler);
    const out = await syncOf(net).run();
    expect(out.hashLogFrontier.map(hex)).toEqual(frontierAt(40).hashes.map(hex));
    expect(hex(out.tipCertificate)).toBe(
      hex((chain.headers.get(40) as { certificate: Uint8Array }).certificate),
    );
    expect(net.penalized.every((p) => p === 'p0')).toBe(true);
    const all = await netOf(chain);
    for (const p of ['p0', 'p1', 'p2']) all.peers[p] = forging(all.peers[p] as Handler);
    await expect(syncOf(all).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    expect([...all.penalized].sort()).toEqual(['p0', 'p1', 'p2']);
  });

  it('fails with NO_PEERS when every peer lies, having reported each', async () => {
    const net = await netOf(chain, 2);
    for (const p of Object.keys(net.peers)) net.peers[p] = lying(net.peers[p] as Handler);
    await expect(syncOf(net).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    expect(net.penalized.sort()).toEqual(['p0', 'p1']);
  });

  it('resumes an interrupted sync, fetching only the chunks it had not saved', async () => {
    const net = await netOf(chain);
    net.cutAfter = 20;
    await expect(syncOf(net).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    net.cutAfter = undefined;
    const out = await syncOf(net).run();
    expect(out.fetched).toBe(SNAPSHOT_CHUNKS - 20);
    expect(hex(out.state.root())).toBe(hex(chain.state.root()));
  });

  it('keeps the saved chunks through a round in which no peer answers yet', async () => {
    const net = await netOf(chain);
    net.cutAfter = 20;
    await expect(syncOf(net).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    net.cutAfter = undefined;
    // Restarted before any peer is connected: nothing offered, nothing dropped.
    await expect(syncOf({ ...net, peers: {} }).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    const out = await syncOf(net).run();
    expect(out.fetched).toBe(SNAPSHOT_CHUNKS - 20);
    expect(hex(out.state.root())).toBe(hex(chain.state.root()));
  });

  it('restarts cleanly when the interrupted snapshot is no longer offered', async () => {
    const net = await netOf(chain);
    net.cutAfter = 20;
    await expect(syncOf(net).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    const newer = chainAt(80, stateWith(600));
    const later = await netOf(newer);
    const out = await syncOf(later).run();
    expect(out.manifest.height).toBe(80);
    expect(out.fetched).toBe(SNAPSHOT_CHUNKS);
    expect(hex(out.state.root())).toBe(hex(newer.state.root()));
  });

  it('refuses a snapshot whose root is not the certified one and reports the peers serving it', async () => {
    const peers: Record<string, Handler> = {
      p0: await peerOf(chain, stateWith(499)),
      p1: await peerOf(chain, stateWith(499)),
    };
    const net: Net = { peers, chunkAsks: {}, penalized: [] };
    await expect(syncOf(net).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    expect(net.penalized.sort()).toEqual(['p0', 'p1']);
    expect(net.chunkAsks).toEqual({});
  });

  it('takes a pinned header instead of the light client, and refuses a header that is not the pinned one', async () => {
    const h41 = chain.headers.get(41) as { hash: Uint8Array };
    const ok = await syncOf(
      await netOf(chain),
      new TrustedHeaderAnchor({ height: 41, hash: h41.hash }),
    ).run();
    expect(hex(ok.state.root())).toBe(hex(chain.state.root()));
    const wrong = new TrustedHeaderAnchor({ height: 41, hash: new Uint8Array(32) });
    await expect(syncOf(await netOf(chain), wrong).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
    const elsewhere = new TrustedHeaderAnchor({ height: 99, hash: h41.hash });
    await expect(syncOf(await netOf(chain), elsewhere).run()).rejects.toMatchObject({ code: 'NO_PEERS' });
  });

  it('names the newest snapshot whose header verifies, not a height a peer merely claims', async () => {
    const net = await netOf(chain);
    expect(await syncOf(net).newestVerified()).toBe(40);
    expect(await syncOf(net, undefined, 40).newestVerified()).toBeUndefined();
    const honest = net.peers.p0 as Handler;
    const claims: Handler = async (req) =>
      decodeSnapshotRequest(req).kind === SnapshotRequestKind.List
        ? encodeSnapshotList([{ height: 1000, hash: new Uint8Array(32).fill(7) }])
        : honest(req);
    expect(await syncOf({ ...net, peers: { liar: claims } }).newestVerified()).toBeUndefined();
    expect(net.chunkAsks).toEqual({});
  });
});

describe('a store far behind the newest snapshot', () => {
  it('is refused with the way to join by state sync and the way to replay', () => {
    const e = farBehindError('/srv/node/data', 120, 5000, 1000);
    expect(e.code).toBe(SnapshotErrorCode.FarBehind);
    expect(e.meta).toEqual({ tip: 120, newest: 5000, maxBehind: 1000 });
    expect(e.message).toContain('ends at 120, 4880 blocks below a verified snapshot at 5000');
    expect(e.message).toContain('mv /srv/node/data /srv/node/data.old');
    expect(e.message).toContain('remove stateSync.maxBehind');
  });
});
