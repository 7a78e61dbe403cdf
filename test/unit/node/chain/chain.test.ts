// The chain aggregate: a committed block moves the tip's header, the recent blocks, the notifier
// and the pre-verified cache before the listeners hear of it, in the order they subscribed; the
// block context sees envelopes as verified when pending or pre-verified.
import { describe, expect, it } from 'vitest';
import type { CertifiedBlock, ChainParams } from '../../../../codec/types.js';
import type { Contracts } from '../../../../ledger/contracts.js';
import { Chain } from '../../../../node/chain/chain.js';
import { Mempool } from '../../../../node/chain/mempool.js';
import { ParentTracker } from '../../../../node/chain/parent-tracker.js';
import { RecentBlocks, recentBlocksBounds } from '../../../../node/chain/recent-blocks.js';
import type { Tip } from '../../../../node/store/store-core.js';

const genesis = {
  chainId: new Uint8Array(32),
  genesisTime: 0,
  params: {
    periodMs: 200,
    viewTimeoutMs: 1500,
    maxBlockEnvelopes: 2000,
    maxBlockBytes: 1 << 22,
  } as ChainParams,
};

function setup() {
  let tip = 0;
  const chain = new Chain({
    store: {
      tip: () => (tip === 0 ? undefined : ({ height: tip } as Tip)),
      hashLog: () => ({ size: tip + 1, root: new Uint8Array(32) }),
    },
    contracts: {
      params: (h: number) => (h >= 3 ? { ...genesis.params, maxBlockEnvelopes: 4 } : undefined),
    } as unknown as Contracts,
    genesis,
    mempool: new Mempool({ maxEnvelopes: 10, maxBytes: 1 << 20 }),
    parents: new ParentTracker(null),
    recent: new RecentBlocks(recentBlocksBounds(4)),
  });
  const commit = (height: number, envelopes: number) => {
    tip = height;
    const block = {
      block: {
        header: { height, time: height * 1000 },
        envelopes: Array.from({ length: envelopes }, () => new Uint8Array(8)),
      },
    } as unknown as CertifiedBlock;
    chain.committed({ block, tip: { height } as Tip, ids: ['aa'], arrivals: [] });
    return block;
  };
  return { chain, commit };
}

describe('chain aggregate', () => {
  it('moves its own state before telling listeners, in subscription order', () => {
    const { chain, commit } = setup();
    const seen: string[] = [];
    chain.onCommitted((c) => {
      seen.push(`a${c.block.block.header.height}`);
      expect(chain.parents.header?.height).toBe(c.block.block.header.height);
      expect(chain.recent.get(c.block.block.header.height)).toBe(c.block.block);
      expect(chain.notifier.height).toBe(c.block.block.header.height);
    });
    chain.onCommitted((c) => seen.push(`b${c.block.block.header.height}`));
    commit(1, 0);
    commit(2, 1);
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('judges block room and the next height by the parameters governance put in force', () => {
    const { chain, commit } = setup();
    const rooms: boolean[] = [];
    chain.onCommitted((c) => rooms.push(chain.params.hadRoom(c.block.block)));
    commit(2, 4);
    expect(chain.params.next().maxBlockEnvelopes).toBe(4);
    commit(3, 4);
    expect(rooms).toEqual([true, false]);
  });

  it('counts pending envelopes as verified in the block context', () => {
    const { chain } = setup();
    expect(chain.blockContext.isVerified('01')).toBe(false);
    chain.mempool.add({ id: '01', bytes: Uint8Array.of(1), code: new Uint8Array(32), signer: 's', seq: 1 });
    expect(chain.blockContext.isVerified('01')).toBe(true);
  });
});
