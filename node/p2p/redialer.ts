// Keeps the configured bootstrap peers connected: dials each at start and, whenever a dial fails
// or the peer disconnects, dials again after a backoff that doubles up to a ceiling (with jitter,
// so restarted nodes do not dial in lockstep). Peers outside the allow list are not dialed.
import { multiaddr } from '@multiformats/multiaddr';
import { P2PError, P2PErrorCode } from './errors.js';

export interface RedialTarget {
  peerId: string;
  addr: string;
}

export interface RedialHooks {
  dial(target: RedialTarget): Promise<void>;
  isConnected(peerId: string): boolean;
  isAllowed(peerId: string): boolean;
}

export class Redialer {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly attempts = new Map<string, number>();
  private running = false;
  /** Targets with a dial under way (the management plane shows them as DIALING). */
  private readonly dialing = new Set<string>();

  constructor(
    private readonly targets: readonly RedialTarget[],
    private readonly hooks: RedialHooks,
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  start(): void {
    this.running = true;
    for (const t of this.targets) this.schedule(t, 0);
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** A peer went away (or may now be allowed): dial it again soon if it is one of ours. */
  nudge(peerId: string): void {
    for (const t of this.targets)
      if (t.peerId === peerId) {
        this.attempts.set(t.peerId, 0);
        this.schedule(t, this.minMs);
      }
  }

  /** Re-examines every target, e.g. after the allow list changed. */
  nudgeAll(): void {
    for (const t of this.targets) this.nudge(t.peerId);
  }

  private schedule(t: RedialTarget, ms: number): void {
    if (!this.running || this.timers.has(t.addr)) return;
    const timer = setTimeout(() => {
      this.timers.delete(t.addr);
      void this.attempt(t);
    }, ms);
    this.timers.set(t.addr, timer);
  }

  /** Never rejects (a timer starts it and nothing awaits it): any failure means a later retry. */
  private async attempt(t: RedialTarget): Promise<void> {
    try {
      if (!this.running || !this.hooks.isAllowed(t.peerId) || this.hooks.isConnected(t.peerId)) return;
      this.dialing.add(t.peerId);
      await this.hooks.dial(t);
      this.attempts.set(t.peerId, 0);
    } catch {
      const n = (this.attempts.get(t.peerId) ?? 0) + 1;
      this.attempts.set(t.peerId, n);
      const base = Math.min(this.maxMs, this.minMs * 2 ** Math.min(n, 20));
      this.schedule(t, base / 2 + Math.random() * (base / 2));
    } finally {
      this.dialing.delete(t.peerId);
    }
  }

  /** The configured targets, and whether a dial to each is under way. */
  targetStates(): { peerId: string; addr: string; dialing: boolean; failedAttempts: number }[] {
    return this.targets.map((t) => ({
      ...t,
      dialing: this.dialing.has(t.peerId),
      failedAttempts: this.attempts.get(t.peerId) ?? 0,
    }));
  }
}

/** A bootstrap address and the peer ID it ends in; BAD_OPTIONS without a valid /p2p/<id>. */
export function parseTarget(addr: string): RedialTarget {
  let peerId: string | null = null;
  try {
    peerId = multiaddr(addr).getPeerId();
  } catch {
    peerId = null;
  }
  if (peerId === null)
    throw new P2PError(P2PErrorCode.BadOptions, 'bootstrap address needs a valid /p2p/<peer id>', { addr });
  return { peerId, addr };
}
