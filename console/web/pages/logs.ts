// Logs: one node's log lines (its Logs service), newest last, filtered by stream, lowest level,
// module and a text pattern (a regular expression over the line's JSON). The filter is the URL's
// query (#/logs?node=0&level=warn…), so a filtered view has a stable address.
import type { LogRow } from '../../logs.js';
import { empty, errorBox, getJson, h, table } from '../dom.js';
import type { PageFactory } from '../main.js';

const LEVELS = ['', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const TYPES = ['', 'operation', 'audit', 'consensus', 'contract'];
const WINDOWS: [string, string][] = [
  ['300000', 'last 5 min'],
  ['900000', 'last 15 min'],
  ['3600000', 'last hour'],
  ['86400000', 'last day'],
];

function select(name: string, options: [string, string][], value: string): HTMLSelectElement {
  const s = h(
    'select',
    { name, 'aria-label': name },
    options.map(([v, t]) => h('option', { value: v }, t)),
  );
  s.value = value;
  return s;
}

const LEVEL_CLASS: Record<string, string> = { warn: 'warn', error: 'bad', fatal: 'bad' };

export const logsPage: PageFactory = (root, store) => {
  // Read from the raw hash: the router decodes path segments, which would undo the query's escapes.
  const q = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const nodes = store.snapshot?.nodes ?? [];
  const node = select(
    'node',
    (nodes.length > 0 ? nodes : [{ name: 'node 0' }]).map((n, i) => [String(i), n.name]),
    q.get('node') ?? '0',
  );
  const level = select(
    'level',
    LEVELS.map((l) => [l, l === '' ? 'any level' : `${l} and above`]),
    q.get('level') ?? '',
  );
  const type = select(
    'type',
    TYPES.map((t) => [t, t === '' ? 'every stream' : t]),
    q.get('type') ?? '',
  );
  const since = select('sinceMs', WINDOWS, q.get('sinceMs') ?? '900000');
  const module = h('input', { name: 'module', placeholder: 'module (e.g. p2p)', size: 14 });
  module.value = q.get('module') ?? '';
  const text = h('input', { name: 'text', placeholder: 'text (regular expression)', size: 24 });
  text.value = q.get('text') ?? '';
  const form = h(
    'form',
    { class: 'filters', id: 'log-filter' },
    node,
    type,
    level,
    module,
    text,
    since,
    h('button', { type: 'submit' }, 'Show'),
  );
  const out = h('div', {}, empty('reading the node’s logs…'));
  root.append(h('h2', {}, 'Logs'), form, out);
  const params = (): URLSearchParams => {
    const p = new URLSearchParams();
    for (const el of [node, type, level, module, text, since]) if (el.value !== '') p.set(el.name, el.value);
    return p;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = `#/logs/?${params().toString()}`;
  });
  getJson<{ lines: LogRow[]; truncated: boolean }>(`/api/logs?${params().toString()}`)
    .then((r) =>
      out.replaceChildren(
        r.truncated
          ? h(
              'p',
              { class: 'warn' },
              'more lines matched than one read returns: narrow the window or the filter',
            )
          : '',
        r.lines.length === 0
          ? empty('no line matches')
          : table(
              ['time', 'stream', 'level', 'module', 'message'],
              r.lines.map((l) => [
                l.time,
                l.type,
                h('span', { class: LEVEL_CLASS[l.level] ?? '' }, l.level),
                l.module,
                h('details', {}, h('summary', {}, l.msg), h('pre', { class: 'log' }, l.json)),
              ]),
              { id: 'log-table' },
            ),
      ),
    )
    .catch((err: Error) => out.replaceChildren(errorBox(err.message)));
  return {
    live() {
      // Opened before the first snapshot: name the nodes once they are known.
      const s = store.snapshot;
      if (s === undefined || node.options.length === s.nodes.length) return;
      const chosen = node.value;
      node.replaceChildren(...s.nodes.map((n, i) => h('option', { value: String(i) }, n.name)));
      node.value = chosen;
    },
  };
};
