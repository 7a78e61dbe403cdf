// The live snapshot: one EventSource on /api/events, shared by every page. It keeps a short
// history of the chain's rate and height for the overview chart, each node's samples and the
// blocks' views for the nodes and consensus pages, and tells the page when a new
// snapshot or a connection change arrives.
import { getJson } from './dom.js';
import { addSample, type NodeSamplePoint } from './series.js';
import type { Snapshot } from './types.js';
import { addBlockViews, type BlockViewPoint } from './view-changes.js';

const HISTORY = 300;

export interface Store {
  snapshot: Snapshot | undefined;
  connected: boolean;
  /** [times (s), envelopes/s, height] for the charts. */
  history: [number[], number[], number[]];
  /** Each node's recent CPU, memory and disk samples (the nodes page's sparklines), by name. */
  samples: Map<string, NodeSamplePoint[]>;
  /** The recent blocks' views, kept across snapshots (the consensus page's view changes). */
  blockViews: BlockViewPoint[];
  onChange(fn: () => void): () => void;
}

export function openStore(): Store {
  const listeners = new Set<() => void>();
  const store: Store = {
    snapshot: undefined,
    connected: false,
    history: [[], [], []],
    samples: new Map(),
    blockViews: [],
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  const notify = (): void => {
    for (const l of listeners) l();
  };
  let first = true;
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
    if (first) seedSamples(store, s);
    first = false;
    for (const n of s.nodes) addSample(store.samples, n.name, n.sample);
    addBlockViews(store.blockViews, s.recentBlocks);
    notify();
  });
  es.addEventListener('error', () => {
    store.connected = false;
    notify();
  });
  return store;
}

/** The backend keeps two minutes of samples per node: the page starts its sparklines from them. */
function seedSamples(store: Store, s: Snapshot): void {
  s.nodes.forEach((n, i) => {
    getJson<{ samples: NodeSamplePoint[] }>(`/api/node/${i}`)
      .then((v) => {
        const have = store.samples.get(n.name) ?? [];
        const older = v.samples.filter((x) => x.time < (have[0]?.time ?? Number.POSITIVE_INFINITY));
        store.samples.set(n.name, [...older, ...have].slice(-120));
      })
      .catch(() => {
        // The live samples fill the sparkline anyway.
      });
  });
}
