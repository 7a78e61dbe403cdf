// The node's commit wiring: after a governance setParams activates, the relay's block-room check
// and its waits use the new limits (they were read once at start and kept until a restart).
import { describe, expect, it } from 'vitest';
import type { CertifiedBlock, ChainParams } from '../../../../codec/types.js';
import type { Contracts } from '../../../../ledger/contracts.js';
import { Chain } from '../../../../node/chain/chain.js';
import { Mempool } from '../../../../node/chain/mempool.js';
import { ParentTracker } from '../../../../node/chain/parent-tracker.js';
import { RecentBlocks, recentBlocksBounds } from '../../../../node/chain/recent-blocks.js';
import { createNodeMetrics } from '../../../../node/mgmt/metrics.js';
import type { PersistedLedger } from '../../../../node/persisted-ledger.js';
import type { EnvelopeRelay } from '../../../../node/relay.js';
import type { Tip } from '../../../../node/store/store-core.js';
import { listenCommitted, type PipelineWiring } from '../../../../node/wiring/pipeline.js';

const genesisParams = { periodMs: 200, viewTimeoutMs: 1500, maxBlockEnvelopes: 2000, maxBlockBytes: 1 << 22 };
/** In force from height 3: what a setParams committed earlier scheduled. */
const lowered = { ...genesisParams, periodMs: 1000, maxBlockEnvelopes: 4 };

describe('commit wiring', () => {
  it('judges each committed block against the limits in force at its height', () => {
    let tip = 0;
    const contracts = {
      params: (h: number) => (h >= 3 ? lowered : genesisParams) as ChainParams,
      validators: () => [],
      state: { get: () => undefined },
    } as unknown as Contracts;
    const chain = new Chain({
      store: {
        tip: () => (tip === 0 ? undefined : ({ height: tip } as Tip)),
        hashLog: () => ({ size: tip + 1, root: new Uint8Array(32) }),
      },
      contracts,
      genesis: { chainId: new Uint8Array(32), genesisTime: 0, params: genesisParams as ChainParams },
      mempool: new Mempool(),
      parents: new ParentTracker(null),
      recent: new RecentBlocks(recentBlocksBounds(4)),
    });
    const noted: [number, boolean][] = [];
    const relay = { noteCommitted: (at: number, spare: boolean) => noted.push([at, spare]) };
    const w = {
      chain,
      ledger: { contracts } as unknown as PersistedLedger,
      p2p: { setAllowedPeers: async () => undefined },
      metrics: createNodeMetrics(),
      log: { warn: () => undefined },
    } as unknown as PipelineWiring;
    listenCommitted(w, relay as unknown as EnvelopeRelay, 0);
    const commit = (height: number, envelopes: number): void => {
      tip = height;
      const block = {
        block: {
          header: { height, time: height * 1000 },
          envelopes: Array.from({ length: envelopes }, () => new Uint8Array(8)),
        },
      } as unknown as CertifiedBlock;
      chain.committed({ block, tip: { height } as Tip, ids: [], arrivals: [] });
    };
    commit(1, 4);
    expect(chain.params.relayOptions().stallMs).toBe(750);
    commit(2, 4);
    // Tip 2: the next height is 3, where the new timing is in force.
    expect(chain.params.relayOptions().stallMs).toBe(2000);
    commit(3, 4);
    expect(noted).toEqual([
      [1000, true],
      [2000, true],
      [3000, false],
    ]);
  });
});
