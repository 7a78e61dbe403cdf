// dialConfirmed against a fake host: every way the wait can end (identify, deadline, refusal, a
// failed dial) reaches the caller as one typed result, including while the dial is still pending
// (a peer that accepts TCP and never answers), and nothing is left behind: no unhandled
// rejection (which would end the node process), no listener, and the pending dial is aborted.
import type { Connection, Libp2p } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dialConfirmed } from '../../../node/p2p/confirm-dial.js';
import { P2PError, P2PErrorCode } from '../../../node/p2p/errors.js';

const PEER = '12D3KooWfake';
const ADDR = multiaddr('/ip4/127.0.0.1/tcp/1');
const MS = 30;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Lets Node run its unhandled-rejection check (it runs after the microtasks of a macrotask). */
async function settleRejections(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

function fakeConnection(peer = PEER) {
  return {
    remotePeer: { toString: () => peer },
    status: 'open',
    close: vi.fn(async () => undefined),
  } as unknown as Connection & { close: ReturnType<typeof vi.fn> };
}

type Dial = (signal: AbortSignal) => Promise<Connection>;

/** A host whose dial does what `dial` says; counts its listeners and keeps each dial's signal. */
class FakeHost extends EventTarget {
  readonly signals: AbortSignal[] = [];
  connections: Connection[] = [];
  listeners = 0;

  constructor(private readonly dialWith: Dial) {
    super();
  }

  dial(_addr: unknown, opts: { signal: AbortSignal }): Promise<Connection> {
    this.signals.push(opts.signal);
    return this.dialWith(opts.signal);
  }

  getConnections(): Connection[] {
    return this.connections;
  }

  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners++;
    super.addEventListener(...args);
  }

  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners--;
    super.removeEventListener(...args);
  }

  emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  get libp2p(): Libp2p {
    return this as unknown as Libp2p;
  }
}

/** A dial that never completes on its own: it rejects only when its signal aborts. */
const hangingDial: Dial = (signal) =>
  new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('The operation was aborted')), { once: true });
  });

/** What `p` rejects with, once Node has had the chance to report any unhandled rejection. */
async function failure(p: Promise<void>): Promise<P2PError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  await settleRejections();
  expect(unhandled).toEqual([]);
  expect(err).toBeInstanceOf(P2PError);
  return err as P2PError;
}

describe('dialConfirmed', () => {
  it('a dial that hangs until the deadline: TIMEOUT, the dial aborted, no unhandled rejection', async () => {
    const host = new FakeHost(hangingDial);
    const err = await failure(dialConfirmed(host.libp2p, ADDR, PEER, MS, () => false));
    expect(err.code).toBe(P2PErrorCode.Timeout);
    expect(err.message).toContain(`no identify within ${MS} ms`);
    expect(host.signals[0]!.aborted).toBe(true);
    expect(host.listeners).toBe(0);
  });

  it('a refusal while the dial is pending: UNREACHABLE at once, the dial aborted, no unhandled rejection', async () => {
    const host = new FakeHost(hangingDial);
    // The deadline is far: the refusal must end the wait (and the dial) before it.
    const p = dialConfirmed(host.libp2p, ADDR, PEER, 5_000, () => false);
    host.emit('connection:close', fakeConnection());
    const err = await failure(p);
    expect(err.code).toBe(P2PErrorCode.Unreachable);
    expect(err.message).toContain('refused');
    expect(host.signals[0]!.aborted).toBe(true);
    expect(host.listeners).toBe(0);
  });

  it('resolves when the peer identifies, even before the dial returns; the dial is not aborted', async () => {
    const conn = fakeConnection();
    let finish: (c: Connection) => void = () => {};
    const host = new FakeHost(() => new Promise((resolve) => (finish = resolve)));
    const p = dialConfirmed(host.libp2p, ADDR, PEER, 60_000, () => false);
    host.emit('peer:identify', { peerId: { toString: () => 'someone-else' } });
    host.emit('peer:identify', { peerId: { toString: () => PEER } });
    finish(conn);
    await expect(p).resolves.toBeUndefined();
    expect(host.signals[0]!.aborted).toBe(false);
    expect(conn.close).not.toHaveBeenCalled();
    expect(host.listeners).toBe(0);
  });

  it('a connection over which identify never comes: TIMEOUT and the connection is closed', async () => {
    const conn = fakeConnection();
    const host = new FakeHost(async () => conn);
    const err = await failure(dialConfirmed(host.libp2p, ADDR, PEER, MS, () => false));
    expect(err.code).toBe(P2PErrorCode.Timeout);
    expect(conn.close).toHaveBeenCalledOnce();
    expect(host.listeners).toBe(0);
  });

  it('a dial that fails: UNREACHABLE with the cause', async () => {
    const host = new FakeHost(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const err = await failure(dialConfirmed(host.libp2p, ADDR, PEER, 60_000, () => false));
    expect(err.code).toBe(P2PErrorCode.Unreachable);
    expect(err.message).toContain('ECONNREFUSED');
    expect(host.listeners).toBe(0);
  });

  it('does not dial a peer already connected and identified', async () => {
    const host = new FakeHost(hangingDial);
    host.connections = [fakeConnection()];
    await dialConfirmed(host.libp2p, ADDR, PEER, MS, (id) => id === PEER);
    expect(host.signals).toEqual([]);
  });
});
