// Stand-in nodes for the console's load checks: the node's real gRPC server (api/server.ts, the
// Ledger and Management services on one port) over a shared, deterministic chain of certified
// blocks that grows on demand, with every call counted per node. What the console asks of a node
// (GetStatus, GetBlock, GetNodeInfo, WatchNode) is served as a node serves it; the rest refuses.
import { ApiError, ApiErrorCode } from '../../api/errors.js';
import type { NodeApi } from '../../api/handlers.js';
import { ManagementService } from '../../api/management-service.js';
import type { ManagementApi, NodeSample } from '../../api/management-types.js';
import { type ApiServer, startApiServer } from '../../api/server.js';
import { type NodeStatus, SyncState } from '../../api/types.js';
import { certifiedBlock, type TestChain, testChain, upload } from '../unit/store/fixtures.js';

export interface FakeChain {
  chain: TestChain;
  /** Encoded certified blocks, height h at index h - 1. */
  blocks: Uint8Array[];
  hashes: Uint8Array[];
  /** Appends one certified block carrying `envelopes` upload envelopes. */
  extend(envelopes?: number): void;
}

/** A chain of `height` certified blocks signed by a quorum of `validators`, a few uploads each. */
export function fakeChain(validators: number, height: number, now = Date.now()): FakeChain {
  const chain = testChain({ validators, sites: 2 });
  const blocks: Uint8Array[] = [];
  const hashes: Uint8Array[] = [];
  let seq = 0;
  const out: FakeChain = {
    chain,
    blocks,
    hashes,
    extend(envelopes = 2) {
      const h = blocks.length + 1;
      const time = now + (h - height) * 1000;
      const envs = Array.from({ length: envelopes }, (_, i) =>
        upload(chain.genesis.chainId, chain.sites[i % chain.sites.length]!, ++seq, time - 500),
      );
      const b = certifiedBlock(chain, h, envs, {
        time,
        ...(hashes.length > 0 ? { parentHash: hashes.at(-1) } : {}),
      });
      blocks.push(b.bytes);
      hashes.push(b.hash);
    },
  };
  for (let h = 1; h <= height; h++) out.extend(h % 3);
  return out;
}

export interface FakeNode {
  rpc: string;
  /** Calls received, by method; WatchNode counts each stream opened. */
  calls: Map<string, number>;
  /** WatchNode streams open now. */
  watching(): number;
  stop(): Promise<void>;
}

function sampleOf(height: number, index: number, peers: number): NodeSample {
  return {
    time: Date.now(),
    hostCpu: 0.2 + index / 100,
    processCpu: 0.1,
    rssBytes: 200e6 + index * 1e6,
    heapUsedBytes: 80e6,
    heapTotalBytes: 120e6,
    memoryFreeBytes: 4e9,
    dataBytes: 50e6 + height * 1000,
    dataGrowthBps: 1000,
    diskFreeBytes: 100e9,
    height,
    mempoolEnvelopes: 0,
    peers: Array.from({ length: peers }, (_, p) => ({
      peerId: `peer-${p}`,
      validatorIndex: p,
      state: 'CONNECTED' as const,
      direction: p < index ? 'OUTBOUND' : 'INBOUND',
      remoteAddress: `/ip4/127.0.0.1/tcp/${7000 + p}`,
      connectedSince: Date.now() - 60_000,
      bytesSent: 1e6,
      bytesReceived: 1e6,
      sendRateBps: 1000,
      receiveRateBps: 1000,
      rttMs: 0.5,
      rttAvgMs: 0.6,
      reportedHeight: height,
      configured: true,
    })),
  };
}

/** Node `index` of `count`, serving `fake` on a free loopback port. */
export async function startFakeNode(
  fake: FakeChain,
  index: number,
  count: number,
  opts: { sampleIntervalMs?: number } = {},
): Promise<FakeNode> {
  const calls = new Map<string, number>();
  const count1 = (method: string): void => void calls.set(method, (calls.get(method) ?? 0) + 1);
  const validators = fake.chain.validators.map((v) => v.publicKey);
  const refuse = (): never => {
    throw new ApiError(ApiErrorCode.NotReady, 'not served by this stand-in node');
  };
  const ledger = {
    async getStatus(): Promise<NodeStatus> {
      count1('GetStatus');
      return {
        chainId: fake.chain.genesis.chainId,
        height: fake.blocks.length,
        view: 0,
        primary: 0,
        validators,
        peers: Array.from({ length: count - 1 }, (_, p) => `peer-${p}`),
        syncState: SyncState.Synced,
        lastBlockHash: fake.hashes.at(-1) ?? new Uint8Array(32),
        mempoolEnvelopes: 0,
        mempoolBytes: 0,
        selfIndex: index,
        earliestHeight: 1,
      };
    },
    async getBlock(height: number): Promise<Uint8Array> {
      count1('GetBlock');
      const b = fake.blocks[height - 1];
      if (b === undefined) throw new ApiError(ApiErrorCode.NotFound, `no block ${height}`);
      return b;
    },
  };
  const api = new Proxy(ledger, {
    get: (target, name) => (name in target ? target[name as keyof typeof target] : refuse),
  }) as unknown as NodeApi;
  const management: ManagementApi = {
    getNodeInfo: async () => {
      count1('GetNodeInfo');
      return refuse();
    },
    listPeers: async () => refuse(),
    sample: () => sampleOf(fake.blocks.length, index, count - 1),
    setLogSpec: () => refuse(),
    backupNode: async () => refuse(),
    logCall: (method) => count1(method),
  };
  const mgmt = new ManagementService(
    management,
    { requireAdmin: () => refuse() },
    {
      sampleIntervalMs: opts.sampleIntervalMs ?? 1000,
    },
  );
  const server: ApiServer = await startApiServer(api, {
    listen: '127.0.0.1:0',
    tls: { insecure: true },
    services: [mgmt],
  });
  return {
    rpc: `127.0.0.1:${server.port}`,
    calls,
    watching: () => mgmt.watching,
    stop: () => server.stop(200),
  };
}
