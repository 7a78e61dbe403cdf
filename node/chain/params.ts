// The chain parameters (block limits, timing) as governance sets them, read where they are used:
// a setParams change activates at a height, and the consensus core switches there without a
// restart (node/consensus-setup.ts ScheduleFeed); the relay and its block-room check must switch
// at the same height, not keep the values read when the node started.
import type { Block, ChainParams } from '../../codec/types.js';
import type { Contracts } from '../../ledger/contracts.js';
import { blockHasRoom, type RelayOptions, relayOptionsOf } from '../relay.js';

export class ChainParamsView {
  constructor(
    private readonly contracts: Pick<Contracts, 'params'>,
    /** Genesis parameters: in force while no schedule says otherwise. */
    private readonly genesis: ChainParams,
    /** Height of the applied tip. */
    private readonly tip: () => number,
  ) {}

  /** Parameters in force at `height`. */
  at(height: number): ChainParams {
    return this.contracts.params(height) ?? this.genesis;
  }

  /** Parameters the next block is built and checked under (tip + 1). */
  next(): ChainParams {
    return this.at(this.tip() + 1);
  }

  /** The relay's waits for the next height's timing. */
  relayOptions(): RelayOptions {
    return relayOptionsOf(this.next());
  }

  /** Whether a committed block had room to spare under the limits it was built under (its height). */
  hadRoom(block: Block): boolean {
    return blockHasRoom(block.envelopes, this.at(block.header.height));
  }
}
