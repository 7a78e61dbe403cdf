// Keeps the p2p allow list in step with governance: the validators in force at the next height
// plus every set scheduled above it (so a joining validator can connect before its activation
// height), and drops a removed validator once its set is no longer current or scheduled.

import { toHex } from '../crypto/bytes.js';
import type { Contracts } from '../ledger/contracts.js';
import { history, VALIDATORS_KEY } from '../ledger/schedule.js';
import type { P2P } from './p2p/index.js';

const hexOf = toHex;

export class AllowedPeers {
  private current: string;

  /** `height`: the tip the p2p layer was started with (its allow list = validators at height + 1). */
  constructor(
    private readonly contracts: Contracts,
    private readonly p2p: Pick<P2P, 'setAllowedPeers'>,
    height: number,
  ) {
    this.current = this.allowedAt(height).key;
  }

  /** Call after each committed block; updates the p2p layer only when the set changes. */
  async update(height: number): Promise<void> {
    const { key, list } = this.allowedAt(height);
    if (key === this.current) return;
    this.current = key;
    await this.p2p.setAllowedPeers(list);
  }

  /** In-force set first (validator indexes), then validators scheduled to join. */
  private allowedAt(height: number): { key: string; list: Uint8Array[] } {
    const inForce = this.contracts.validators(height + 1);
    const seen = new Set(inForce.map(hexOf));
    const list = [...inForce];
    for (const s of history<string[]>(this.contracts.state, VALIDATORS_KEY))
      if (s.activateAt > height + 1)
        for (const k of s.value)
          if (!seen.has(k)) {
            seen.add(k);
            list.push(Buffer.from(k, 'hex'));
          }
    return { key: [...seen].sort().join(','), list };
  }
}
