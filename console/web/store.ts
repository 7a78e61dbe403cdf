// The live snapshot: one EventSource on /api/events, shared by every page. It keeps a short
// history of the chain's rate and height for the overview chart, and tells the page when a new
// snapshot or a connection change arrives.
import type { Snapshot } from './types.js';

const HISTORY = 300;

export interface Store {
  snapshot: Snapshot | undefined;
  connected: boolean;
  /** [times (s), envelopes/s, height] for the charts. */
  history: [number[], number[], number[]];
  onChange(fn: () => void): () => void;
}

export function openStore(): Store {
  const listeners = new Set<() => void>();
  const store: Store = {
    snapshot: undefined,
    connected: false,
    history: [[], [], []],
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  const notify = (): void => {
    for (const l of listeners) l();
  };
  const es = new EventSource('/api/events');
  es.addEventListener('snapshot', (ev) => {
    const s = JSON.parse((ev as MessageEvent<string>).data) as Snapshot;
    store.snapshot = s;
    store.connected = true;
    const [t, rate, height] = store.history;
    t.push(s.time / 1000);
    rate.push(s.envelopesPerSecond);
    height.push(s.height);
    if (t.length > HISTORY) for (const a of store.history) a.shift();
    notify();
  });
  es.addEventListener('error', () => {
    store.connected = false;
    notify();
  });
  return store;
}
