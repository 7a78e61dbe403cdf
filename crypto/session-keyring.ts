// The SCP's table of accepted session keys, looked up by the 16-byte ID a sealed packet carries.
// Bounded: when full, new sessions are refused rather than evicting live ones, so a flood of
// offers cannot push a legitimate site's key out. Time is passed in (no clock here).
import type { KeyId } from '../codec/types.js';
import { toHex } from './bytes.js';
import { CryptoError, CryptoErrorCode } from './errors.js';
import type { SessionKey } from './session-key.js';

export interface SessionKeyringOptions {
  /** Most sessions held at once. */
  capacity: number;
  /** How long after expiry a session still opens packets (they may reach the chain late), ms. */
  graceMs: number;
}

export const defaultSessionKeyringOptions: SessionKeyringOptions = {
  capacity: 10_000,
  graceMs: 60 * 60 * 1000,
};

export class SessionKeyring {
  private readonly byId = new Map<string, SessionKey>();
  private readonly opts: SessionKeyringOptions;

  constructor(opts: Partial<SessionKeyringOptions> = {}) {
    this.opts = { ...defaultSessionKeyringOptions, ...opts };
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds a session; prunes dead ones first, then throws QueueFull if still at capacity. */
  add(session: SessionKey, now: number): void {
    const id = toHex(session.id);
    if (!this.byId.has(id) && this.byId.size >= this.opts.capacity) {
      this.prune(now);
      if (this.byId.size >= this.opts.capacity)
        throw new CryptoError(CryptoErrorCode.QueueFull, 'session keyring is full', {
          capacity: this.opts.capacity,
        });
    }
    this.byId.set(id, session);
  }

  get(id: KeyId): SessionKey | undefined {
    return this.byId.get(toHex(id));
  }

  /** Drops sessions whose expiry + grace is past; returns how many were dropped. */
  prune(now: number): number {
    let dropped = 0;
    for (const [id, s] of this.byId) {
      if (s.expiresAt + this.opts.graceMs <= now) {
        s.key.fill(0);
        this.byId.delete(id);
        dropped++;
      }
    }
    return dropped;
  }
}
