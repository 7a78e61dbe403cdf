// Alarms: every node's active alarms (live), filtered by severity, and the history of cleared ones.
import { ago, empty, errorBox, getJson, h, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import type { AlarmView } from '../types.js';

const ORDER: Record<string, number> = { critical: 0, major: 1, minor: 2, warning: 3 };

function rows(list: { node: string; a: AlarmView }[]): HTMLElement {
  if (list.length === 0) return empty('no alarms');
  return table(
    ['severity', 'node', 'alarm', 'cause', 'state', 'raised'],
    list
      .sort((x, y) => (ORDER[x.a.severity] ?? 9) - (ORDER[y.a.severity] ?? 9) || x.a.raisedAt - y.a.raisedAt)
      .map(({ node, a }) => [
        h(
          'span',
          { class: a.severity === 'critical' || a.severity === 'major' ? 'bad' : 'warn' },
          a.severity,
        ),
        node,
        h('code', {}, a.id),
        a.cause,
        `${a.state}${a.acknowledgedBy ? ` (ack ${a.acknowledgedBy})` : ''}`,
        ago(a.raisedAt),
      ]),
    { id: 'alarm-table' },
  );
}

export const alarmsPage: PageFactory = (root, store, args) => {
  const severity = h(
    'select',
    { 'aria-label': 'severity' },
    ['all', 'critical', 'major', 'minor', 'warning'].map((s) => h('option', { value: s }, s)),
  );
  severity.value = args[0] ?? 'all';
  severity.addEventListener('change', () => {
    location.hash = `#/alarms/${severity.value}`;
  });
  const active = h('div');
  const history = h('div', {}, empty('loading…'));
  root.append(
    h('h2', {}, 'Alarms'),
    h('p', {}, 'severity ', severity),
    h('h3', {}, 'Active'),
    active,
    h('h3', {}, 'History (cleared)'),
    history,
  );
  const keep = (a: AlarmView): boolean => severity.value === 'all' || a.severity === severity.value;
  getJson<{ nodes: { name: string; alarms: AlarmView[]; error?: string }[] }>('/api/alarms')
    .then((r) =>
      history.replaceChildren(
        rows(r.nodes.flatMap((n) => n.alarms.filter(keep).map((a) => ({ node: n.name, a })))),
      ),
    )
    .catch((err: Error) => history.replaceChildren(errorBox(err.message)));
  return {
    live() {
      const s = store.snapshot;
      if (s === undefined) return void active.replaceChildren(empty('waiting for the nodes…'));
      const unread = s.nodes.filter((n) => n.mgmt === undefined || n.alarmsError !== undefined);
      active.replaceChildren(
        rows(s.nodes.flatMap((n) => n.alarms.filter(keep).map((a) => ({ node: n.name, a })))),
        ...unread.map((n) =>
          h(
            'p',
            { class: 'muted' },
            `${n.name}: ${n.mgmt === undefined ? 'no management address (--mgmt)' : `alarms unreadable: ${n.alarmsError}`}`,
          ),
        ),
      );
    },
  };
};
