// The test kit's corrupted state (testkit/corrupt-state.ts): the node's contracts compute the
// chain's state roots below the height, then, from the first block at or above it, another root,
// with the extra entry among that block's state changes (so it is persisted); once only. Taken
// only with --testkit.
import { describe, expect, it } from 'vitest';
import { testkitSwitch } from '../../../cli/testkit-switch.js';
import type { Block, BlockHeader } from '../../../codec/types.js';
import { Contracts } from '../../../ledger/contracts.js';
import { genesisState } from '../../../ledger/genesis.js';
import { parseGenesis } from '../../../node/genesis.js';
import {
  CORRUPT_STATE_ENV,
  CORRUPT_STATE_KEY,
  corruptStateFrom,
  parseCorruptStateFrom,
} from '../../../testkit/corrupt-state.js';
import { hexOf, keyPair } from '../store/fixtures.js';

const genesis = parseGenesis({
  chainName: 'corrupt-test',
  genesisTime: '2026-01-01T00:00:00Z',
  validators: [1, 2, 3, 4].map((i) => hexOf(keyPair(i).publicKey)),
  admins: { publicKeys: [hexOf(keyPair(50).publicKey)], threshold: 1 },
  sites: [],
  scpKeys: [],
  params: { periodMs: 1000, maxBlockEnvelopes: 1000, maxBlockBytes: 4_000_000, viewTimeoutMs: 4000 },
});

const contractsOf = () => new Contracts(genesisState(genesis).state, genesis.chainId);
/** An empty block: applying it changes nothing, so an honest root stays the genesis root. */
const block = (height: number): Block => ({
  header: { height, time: Date.parse('2026-01-01T00:00:00Z') + height * 1000 } as BlockHeader,
  envelopes: [],
});
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('test kit: corrupted state', () => {
  it('leaves the state honest below the height, corrupts it once from there, persisted', () => {
    const honest = contractsOf();
    const bad = contractsOf();
    corruptStateFrom(bad, 3);
    for (const h of [1, 2]) {
      const a = honest.applyBlock(block(h));
      const b = bad.applyBlock(block(h));
      expect(hex(b.stateRoot)).toBe(hex(a.stateRoot));
      expect(b.stateChanges).toEqual(a.stateChanges);
    }
    const a3 = honest.applyBlock(block(3));
    const b3 = bad.applyBlock(block(3));
    expect(hex(b3.stateRoot)).not.toBe(hex(a3.stateRoot));
    expect(hex(bad.stateRoot())).toBe(hex(b3.stateRoot));
    expect(b3.stateChanges.map((c) => new TextDecoder().decode(c.key))).toEqual([CORRUPT_STATE_KEY]);
    expect(bad.state.get(CORRUPT_STATE_KEY)).toEqual({ afterHeight: 3 });
    // Once only: later blocks add nothing more, and the roots stay apart.
    const a4 = honest.applyBlock(block(4));
    const b4 = bad.applyBlock(block(4));
    expect(b4.stateChanges).toEqual(a4.stateChanges);
    expect(hex(b4.stateRoot)).not.toBe(hex(a4.stateRoot));
  });

  it('corrupts at the first block above the height when started past it, not again after a restart', () => {
    const bad = contractsOf();
    corruptStateFrom(bad, 2);
    expect(bad.applyBlock(block(5)).stateChanges).toHaveLength(1);
    // A restart loads the state with the entry in it: nothing more is written.
    const reopened = new Contracts(bad.state, genesis.chainId);
    corruptStateFrom(reopened, 2);
    expect(reopened.applyBlock(block(6)).stateChanges).toEqual([]);
  });

  it('parses a height strictly and is taken only with --testkit', () => {
    expect(parseCorruptStateFrom(' 4 ')).toBe(4);
    for (const bad of ['', '0', '-2', '1.5', 'x'])
      expect(() => parseCorruptStateFrom(bad)).toThrow(/not a height/);
    expect(() => testkitSwitch(false, { [CORRUPT_STATE_ENV]: '3' })).toThrow(/--testkit is not/);
    const kit = testkitSwitch(true, { [CORRUPT_STATE_ENV]: '3' });
    expect(kit?.corruptStateFrom).toBe(3);
    const c = contractsOf();
    kit?.options.tamperContracts?.(c);
    expect(c.applyBlock(block(3)).stateChanges).toHaveLength(1);
  });
});
