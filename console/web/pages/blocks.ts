// Blocks: the newest blocks (paged backwards), one block's detail (header, certificate signers,
// envelopes with their routing metadata), and search by height, block hash or tracing code.
import { ago, empty, errorBox, getJson, h, short, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import type { BlockSummary, EnvelopeSummary } from '../types.js';

interface Detail {
  summary: BlockSummary;
  header: Record<string, string | number>;
  certificate: { view: number; signers: number[] };
  envelopes: EnvelopeSummary[];
}

function searchForm(): HTMLFormElement {
  const input = h('input', {
    type: 'text',
    name: 'q',
    placeholder: 'height, block hash or tracing code',
    'aria-label': 'search',
  });
  const out = h('span');
  const form = h('form', {}, input, h('button', { type: 'submit' }, 'Search'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await getJson<{ kind: string; height?: number; tracingCode?: string }>(
        `/api/search?q=${encodeURIComponent(input.value)}`,
      );
      location.hash = r.kind === 'trace' ? `#/trace/${r.tracingCode}` : `#/blocks/${r.height}`;
    } catch (err) {
      out.replaceChildren(errorBox((err as Error).message));
    }
  });
  return form;
}

async function list(body: HTMLElement, before?: number): Promise<void> {
  const r = await getJson<{ tip: number; blocks: BlockSummary[] }>(
    `/api/blocks${before ? `?before=${before}` : ''}`,
  );
  if (r.blocks.length === 0) return void body.replaceChildren(empty('no blocks yet'));
  const last = r.blocks.at(-1) as BlockSummary;
  body.replaceChildren(
    table(
      ['height', 'hash', 'time', 'view', 'proposer', 'envelopes', 'signers'],
      r.blocks.map((b) => [
        h('a', { href: `#/blocks/${b.height}` }, b.height),
        h('code', {}, short(b.hash, 16)),
        ago(b.time),
        b.view,
        `v${b.proposer}`,
        b.txCount,
        b.signers.length,
      ]),
      { id: 'block-list' },
    ),
    last.height > 1 ? h('a', { href: `#/blocks/before/${last.height}` }, 'older blocks →') : '',
  );
}

async function detail(body: HTMLElement, height: string): Promise<void> {
  const d = await getJson<Detail>(`/api/block/${encodeURIComponent(height)}`);
  const n = Number(height);
  body.replaceChildren(
    h('h3', {}, `Block ${d.summary.height}`),
    h(
      'p',
      {},
      n > 1 ? h('a', { href: `#/blocks/${n - 1}` }, '← previous') : '',
      ' ',
      h('a', { href: `#/blocks/${n + 1}` }, 'next →'),
    ),
    table(
      ['field', 'value'],
      [
        ['hash', h('code', {}, d.summary.hash)],
        ...Object.entries(d.header).map(([k, v]) => [
          k,
          typeof v === 'string' ? h('code', {}, v) : k === 'time' ? new Date(v).toISOString() : v,
        ]),
      ],
      { id: 'block-header' },
    ),
    h(
      'p',
      {},
      `certificate: view ${d.certificate.view}, signed by ${d.certificate.signers.map((i) => `v${i}`).join(', ')}`,
    ),
    h('h3', {}, `Envelopes (${d.envelopes.length})`),
    d.envelopes.length === 0
      ? empty('an empty block')
      : table(
          ['#', 'tracing code', 'kind', 'signer key', 'seq', 'time', 'routing'],
          d.envelopes.map((e, i) => [
            i,
            h('a', { href: `#/trace/${e.tracingCode}`, class: 'mono' }, short(e.tracingCode, 16)),
            e.kind,
            h('code', {}, e.signerKeyId),
            e.seq,
            new Date(e.time).toISOString(),
            e.routing
              ? `${e.routing.country} ${e.routing.city} site ${e.routing.siteId} KPIs ${e.routing.kpiCodes.join(',')}`
              : '—',
          ]),
        ),
  );
}

export const blocksPage: PageFactory = (root, _store, args) => {
  const body = h('div', {}, empty('loading…'));
  root.append(h('h2', {}, 'Blocks'), searchForm(), body);
  const [first, second] = args;
  const work =
    first === undefined ? list(body) : first === 'before' ? list(body, Number(second)) : detail(body, first);
  work.catch((err: Error) => body.replaceChildren(errorBox(err.message)));
  return {};
};
