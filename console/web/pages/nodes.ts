// Nodes: inventory and health of each node, the console's own lag to it, its peers (direction,
// RTT) and the link matrix (who is connected to whom, as each node reports it); sparklines of each
// node's host CPU, resident memory and data size over the last two minutes.
import { bytes, empty, h, short, sparkline, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import type { NodeSamplePoint } from '../series.js';

export const nodesPage: PageFactory = (root, store) => {
  const body = h('div');
  root.append(h('h2', {}, 'Nodes'), body);
  return {
    live() {
      const s = store.snapshot;
      if (s === undefined) return void body.replaceChildren(empty('waiting for the nodes…'));
      const health = table(
        [
          'node',
          'rpc',
          'state',
          'height',
          'synced',
          'peers',
          'mempool',
          'CPU (host/process)',
          'RSS',
          'data',
          'last 2 min: CPU · RSS · data',
          'console lag',
          'read',
        ],
        s.nodes.map((n) => [
          h('a', { href: `#/nodes/${n.name}` }, n.name),
          h('code', {}, n.rpc),
          n.up ? h('span', { class: 'ok' }, 'up') : h('span', { class: 'bad', title: n.error ?? '' }, 'down'),
          n.status?.height ?? '—',
          n.status === undefined
            ? '—'
            : n.status.synced
              ? 'yes'
              : h('span', { class: 'warn' }, 'catching up'),
          n.status?.peers ?? '—',
          n.status?.mempoolEnvelopes ?? '—',
          n.sample
            ? `${Math.round(n.sample.hostCpu * 100)} % / ${Math.round(n.sample.processCpu * 100)} %`
            : '—',
          n.sample ? bytes(n.sample.rssBytes) : '—',
          n.sample ? bytes(n.sample.dataBytes) : '—',
          sparks(store.samples.get(n.name) ?? []),
          n.lagMs < 0 ? 'never read' : `${n.lagMs} ms`,
          `${n.readMs} ms`,
        ]),
        { id: 'node-table' },
      );
      const names = s.validators.map((_, i) => `v${i}`);
      const matrix = table(
        ['from \\ to', ...names],
        s.nodes.map((n) => {
          const self = n.status?.selfIndex ?? -1;
          return [
            `${n.name}${self >= 0 ? ` (v${self})` : ''}`,
            ...names.map((_, j) => {
              if (j === self) return '·';
              const link = n.peers.find((p) => p.validatorIndex === j);
              if (!n.up || link === undefined) return h('span', { class: 'muted' }, '?');
              return link.state === 'CONNECTED'
                ? h(
                    'span',
                    { class: 'ok', title: `${link.direction}, RTT ${link.rttMs} ms` },
                    `${link.direction === 'OUTBOUND' ? '→' : '←'} ${Math.round(link.rttMs)} ms`,
                  )
                : h('span', { class: 'bad' }, String(link.state));
            }),
          ];
        }),
        { class: 'matrix', id: 'link-matrix' },
      );
      const peers = s.nodes.map((n) =>
        h(
          'details',
          {},
          h('summary', {}, `${n.name} peers (${n.peers.length})`),
          n.peers.length === 0
            ? empty(n.up ? 'no peer samples yet' : 'node down')
            : table(
                [
                  'validator',
                  'peer ID',
                  'state',
                  'direction',
                  'address',
                  'RTT',
                  'sent',
                  'received',
                  'height',
                ],
                n.peers.map((p) => [
                  p.validatorIndex,
                  h('code', {}, short(p.peerId, 16)),
                  p.state,
                  p.direction,
                  h('code', {}, p.remoteAddress),
                  `${p.rttMs} ms`,
                  bytes(p.bytesSent),
                  bytes(p.bytesReceived),
                  p.reportedHeight,
                ]),
              ),
        ),
      );
      body.replaceChildren(
        h('h3', {}, 'Health'),
        health,
        h('h3', {}, 'Link matrix (as each node reports its links)'),
        matrix,
        h('h3', {}, 'Peers'),
        ...peers,
      );
    },
  };
};

function sparks(list: readonly NodeSamplePoint[]): HTMLElement {
  if (list.length < 2) return h('span', { class: 'muted' }, 'no samples yet');
  const cpu = list.map((x) => x.hostCpu);
  const rss = list.map((x) => x.rssBytes);
  const data = list.map((x) => x.dataBytes);
  const pct = (v: number): string => `${Math.round(v * 100)} %`;
  return h(
    'span',
    { class: 'sparks' },
    sparkline(cpu, `host CPU ${pct(Math.min(...cpu))}..${pct(Math.max(...cpu))}`),
    sparkline(rss, `RSS ${bytes(Math.min(...rss))}..${bytes(Math.max(...rss))}`),
    sparkline(data, `data ${bytes(Math.min(...data))}..${bytes(Math.max(...data))}`),
  );
}
