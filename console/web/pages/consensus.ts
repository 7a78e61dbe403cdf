// Consensus: view and primary, each validator's last commit vote (the newest certificate carrying
// its signature: who is voting, who is not), each node's view over time and the recent view
// changes, the newest blocks' signers, and the cross-node check of block hash and state root at the
// newest height every node up holds.
import { empty, h, short, sparkline, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import type { Store } from '../store.js';
import { viewChanges, viewSeries } from '../view-changes.js';

export const consensusPage: PageFactory = (root, store) => {
  const body = h('div');
  root.append(h('h2', {}, 'Consensus'), body);
  return {
    live() {
      const s = store.snapshot;
      if (s === undefined) return void body.replaceChildren(empty('waiting for the nodes…'));
      const tip = s.recentBlocks.at(-1)?.height ?? 0;
      const votes = table(
        ['validator', 'public key', 'role', 'last commit vote', 'behind'],
        s.validators.map((key, i) => {
          const last = s.lastVotes[i] ?? null;
          const behind = last === null ? undefined : tip - last;
          return [
            `v${i}`,
            h('code', {}, short(key, 16)),
            i === s.primary ? h('strong', {}, 'primary') : 'backup',
            last === null ? h('span', { class: 'bad' }, 'no vote in the recent blocks') : `height ${last}`,
            behind === undefined
              ? '—'
              : h(
                  'span',
                  { class: behind === 0 ? 'ok' : 'warn' },
                  behind === 0 ? 'voting' : `${behind} blocks`,
                ),
          ];
        }),
        { id: 'votes' },
      );
      const c = s.consistency;
      const check =
        c === undefined
          ? empty('not checked yet')
          : h(
              'div',
              { id: 'consistency' },
              h(
                'p',
                { class: c.agree ? 'ok' : 'bad' },
                c.agree ? `all nodes agree at height ${c.height}` : `DIVERGENCE at height ${c.height}`,
              ),
              table(
                ['node', 'block hash', 'state root'],
                c.nodes.map((n) => [
                  n.name,
                  n.hash ? h('code', {}, short(n.hash, 24)) : h('span', { class: 'bad' }, n.error ?? '—'),
                  n.stateRoot ? h('code', {}, short(n.stateRoot, 24)) : '—',
                ]),
              ),
            );
      const recent = table(
        ['height', 'view', 'proposer', 'signers', 'envelopes'],
        s.recentBlocks
          .slice(-10)
          .reverse()
          .map((b) => [
            h('a', { href: `#/blocks/${b.height}` }, b.height),
            b.view,
            `v${b.proposer}`,
            b.signers.map((i) => `v${i}`).join(' '),
            b.txCount,
          ]),
      );
      body.replaceChildren(
        h('p', {}, `view ${s.view ?? '—'}, primary v${s.primary ?? '—'}`),
        h('h3', {}, 'Votes'),
        votes,
        h('h3', {}, 'View changes'),
        viewHistory(store),
        h('h3', {}, 'Cross-node check'),
        check,
        h('h3', {}, 'Newest certificates'),
        recent,
      );
    },
  };
};

/** Each node's view over its recent samples, and the view changes seen by the nodes and blocks. */
function viewHistory(store: Store): HTMLElement {
  const s = store.snapshot;
  const series = table(
    ['node', 'view now', 'view over the last samples'],
    (s?.nodes ?? []).map((n) => {
      const views = viewSeries(store.samples.get(n.name) ?? []);
      const label =
        views.length === 0 ? 'no view sampled' : `view ${Math.min(...views)}..${Math.max(...views)}`;
      return [n.name, n.status?.view ?? '—', views.length < 2 ? label : sparkline(views, label)];
    }),
  );
  const changes = viewChanges(store.samples, store.blockViews);
  const list =
    changes.length === 0
      ? empty('no view change in the recent samples and blocks')
      : table(
          ['time', 'seen by', 'height', 'view', 'new primary'],
          changes.map((c) => [
            new Date(c.time).toLocaleTimeString(),
            c.source === 'chain' ? 'committed blocks' : c.source,
            c.height === undefined ? '—' : h('a', { href: `#/blocks/${c.height}` }, c.height),
            c.lowered
              ? h(
                  'span',
                  {
                    class: 'warn',
                    title:
                      c.source === 'chain'
                        ? 'lower than the block before'
                        : 'lower than before: the node restarted',
                  },
                  `${c.from} → ${c.to}`,
                )
              : `${c.from} → ${c.to}`,
            c.primary === undefined ? '—' : `v${c.primary}`,
          ]),
        );
  return h('div', { id: 'view-history' }, series, list);
}
