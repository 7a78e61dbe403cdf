// Overview: the chain at a glance, live; the committed envelopes per second as a uPlot chart.
import uPlot from 'uplot';
import { card, empty, h, short } from '../dom.js';
import type { PageFactory } from '../main.js';

export const overviewPage: PageFactory = (root, store) => {
  const cards = h('div', { class: 'cards', id: 'overview-cards' });
  const chartBox = h('div', { class: 'chart' });
  root.append(h('h2', {}, 'Overview'), cards, chartBox);
  let plot: uPlot | undefined;
  return {
    live() {
      const s = store.snapshot;
      if (s === undefined)
        return void cards.replaceChildren(empty('waiting for the first reading of the nodes…'));
      const p = s.platform;
      cards.replaceChildren(
        card('chain ID', h('span', { class: 'mono', title: s.chainId ?? '' }, short(s.chainId, 16)), {
          id: 'chain-id',
        }),
        card('height', s.height, { id: 'height' }),
        card(
          'block interval',
          s.blockIntervalMs === undefined ? '—' : `${(s.blockIntervalMs / 1000).toFixed(2)} s`,
        ),
        card('committed envelopes/s', s.envelopesPerSecond.toFixed(1), { id: 'rate' }),
        card(
          'nodes up',
          h(
            'span',
            { class: s.nodesUp === s.nodes.length ? 'ok' : 'bad' },
            `${s.nodesUp} / ${s.nodes.length}`,
          ),
          { id: 'nodes-up' },
        ),
        card('active alarms', h('span', { class: s.activeAlarms === 0 ? 'ok' : 'bad' }, s.activeAlarms)),
        card('view / primary', s.view === undefined ? '—' : `${s.view} / ${s.primary}`),
        card(
          'platform lag',
          p === undefined
            ? h('span', { class: 'muted' }, 'no --platform')
            : !p.up
              ? h('span', { class: 'bad' }, 'down')
              : p.lagBlocks === undefined
                ? 'no values yet'
                : `${p.lagBlocks} blocks`,
        ),
        card('console lag (max)', `${Math.max(0, ...s.nodes.filter((n) => n.up).map((n) => n.lagMs))} ms`),
      );
      const [t, rate] = store.history;
      if (t.length < 2) return;
      if (plot === undefined) {
        plot = new uPlot(
          {
            title: 'committed envelopes per second',
            width: Math.min(1200, root.clientWidth - 20),
            height: 220,
            series: [{}, { label: 'envelopes/s', stroke: '#1d6fd6', width: 2 }],
            axes: [{}, { size: 50 }],
          },
          [t, rate],
          chartBox,
        );
      } else plot.setData([t, rate]);
    },
    dispose() {
      plot?.destroy();
    },
  };
};
