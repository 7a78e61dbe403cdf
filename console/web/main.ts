// The console page: a hash router (#/overview, #/blocks/12, #/trace/<code>: every view has a
// stable URL and the back button works) over the pages, fed by the live store.
import { h } from './dom.js';
import { alarmsPage } from './pages/alarms.js';
import { blocksPage } from './pages/blocks.js';
import { consensusPage } from './pages/consensus.js';
import { governancePage } from './pages/governance.js';
import { kpiPage } from './pages/kpi.js';
import { logsPage } from './pages/logs.js';
import { nodesPage } from './pages/nodes.js';
import { overviewPage } from './pages/overview.js';
import { tracePage } from './pages/trace.js';
import { openStore, type Store } from './store.js';

/** A page renders into `root`; `live` is called with each new snapshot; `dispose` on leaving. */
export interface Page {
  live?(): void;
  dispose?(): void;
}
export type PageFactory = (root: HTMLElement, store: Store, args: string[]) => Page;

const PAGES: Record<string, { title: string; make: PageFactory }> = {
  overview: { title: 'Overview', make: overviewPage },
  nodes: { title: 'Nodes', make: nodesPage },
  consensus: { title: 'Consensus', make: consensusPage },
  blocks: { title: 'Blocks', make: blocksPage },
  trace: { title: 'Trace', make: tracePage },
  alarms: { title: 'Alarms', make: alarmsPage },
  governance: { title: 'Governance', make: governancePage },
  logs: { title: 'Logs', make: logsPage },
  kpi: { title: 'KPI data', make: kpiPage },
};

const store = openStore();
const nav = document.getElementById('nav') as HTMLElement;
const main = document.getElementById('app') as HTMLElement;
const status = document.getElementById('conn') as HTMLElement;
let current: Page | undefined;

function route(): void {
  const [name = 'overview', ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = PAGES[name] ?? PAGES.overview;
  current?.dispose?.();
  main.replaceChildren();
  nav.replaceChildren(
    ...Object.entries(PAGES).map(([k, p]) =>
      h('a', { href: `#/${k}`, class: k === name ? 'active' : undefined }, p.title),
    ),
  );
  document.title = `${page?.title ?? ''} · bkdms console`;
  current = page?.make(
    main,
    store,
    args.filter((a) => a !== ''),
  );
  current?.live?.();
}

store.onChange(() => {
  status.textContent = store.connected ? `live · height ${store.snapshot?.height ?? '—'}` : 'reconnecting…';
  status.className = store.connected ? 'ok' : 'bad';
  current?.live?.();
});
window.addEventListener('hashchange', route);
route();
