// Alarms: every node's active alarms (live), filtered by severity, and the history of cleared ones.
// A raised alarm can be acknowledged here when the console holds an administrator key: the node's
// AckAlarm, signed with that key for that node.
import { ago, empty, errorBox, getJson, h, postJson, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import type { AlarmView } from '../types.js';

const ORDER: Record<string, number> = { critical: 0, major: 1, minor: 2, warning: 3 };

type Ack = (node: number, a: AlarmView, btn: HTMLButtonElement) => void;

function rows(
  list: { node: string; index?: number; a: AlarmView }[],
  ack?: Ack,
  id = 'alarm-table',
): HTMLElement {
  if (list.length === 0) return empty('no alarms');
  return table(
    ['severity', 'node', 'alarm', 'cause', 'state', 'raised', ...(ack ? [''] : [])],
    list
      .sort((x, y) => (ORDER[x.a.severity] ?? 9) - (ORDER[y.a.severity] ?? 9) || x.a.raisedAt - y.a.raisedAt)
      .map(({ node, index, a }) => [
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
        ...(ack && index !== undefined ? [a.state === 'raised' ? ackButton(index, a, ack) : ''] : []),
      ]),
    { id },
  );
}

function ackButton(index: number, a: AlarmView, ack: Ack): HTMLButtonElement {
  const btn = h('button', { type: 'button', 'data-alarm': a.id }, 'Acknowledge');
  btn.addEventListener('click', () => ack(index, a, btn));
  return btn;
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
  const note = h('p', { role: 'status', id: 'alarm-note' });
  const history = h('div', {}, empty('loading…'));
  root.append(
    h('h2', {}, 'Alarms'),
    h('p', {}, 'severity ', severity),
    h('h3', {}, 'Active'),
    note,
    active,
    h('h3', {}, 'History (cleared)'),
    history,
  );
  const keep = (a: AlarmView): boolean => severity.value === 'all' || a.severity === severity.value;
  getJson<{ nodes: { name: string; alarms: AlarmView[]; error?: string }[] }>('/api/alarms')
    .then((r) =>
      history.replaceChildren(
        rows(
          r.nodes.flatMap((n) => n.alarms.filter(keep).map((a) => ({ node: n.name, a }))),
          undefined,
          'alarm-history',
        ),
      ),
    )
    .catch((err: Error) => history.replaceChildren(errorBox(err.message)));
  const ack: Ack = (index, a, btn) => {
    btn.disabled = true;
    note.textContent = `acknowledging ${a.id}…`;
    postJson<{ alarm?: AlarmView }>('/api/action/ack', { node: index, id: a.id })
      .then((r) => {
        note.textContent = `${a.id} acknowledged by ${r.alarm?.acknowledgedBy ?? 'the console’s key'}`;
      })
      .catch((err: Error) => {
        btn.disabled = false;
        note.replaceChildren(errorBox(`acknowledgement refused: ${err.message}`));
      });
  };
  return {
    live() {
      const s = store.snapshot;
      if (s === undefined) return void active.replaceChildren(empty('waiting for the nodes…'));
      const unread = s.nodes.filter((n) => n.mgmt === undefined || n.alarmsError !== undefined);
      active.replaceChildren(
        s.adminKeyId === undefined
          ? h(
              'p',
              { class: 'muted', id: 'alarm-mode' },
              'read-only: start the console with --admin-key to acknowledge alarms here',
            )
          : '',
        rows(
          s.nodes.flatMap((n, index) => n.alarms.filter(keep).map((a) => ({ node: n.name, index, a }))),
          s.adminKeyId === undefined ? undefined : ack,
        ),
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
