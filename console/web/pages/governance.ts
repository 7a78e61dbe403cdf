// Governance: administrators and threshold, the validator set and chain parameters with their
// scheduled changes, the registered sites (status, allowed KPIs), open proposals (who approved,
// who is missing) and the closed ones. Approving is offered only when the console holds an
// administrator key (--admin-key); otherwise the page says it is read-only and shows the CLI
// command that approves. The chain checks every approval: the page only asks the console to sign.
import type { ClosedView, GovernanceView, ProposalView } from '../../governance.js';
import type { KpiSite } from '../../kpi-data.js';
import { ago, empty, errorBox, getJson, h, postJson, short, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import { mayApprove } from '../series.js';

function modeBanner(g: GovernanceView): HTMLElement {
  return g.adminKeyId === undefined
    ? h(
        'p',
        { class: 'banner readonly', id: 'gov-mode' },
        'Read-only: the console holds no administrator key. Start it with --admin-key to approve proposals here; ',
        'otherwise use `bkdms gov approve`.',
      )
    : h(
        'p',
        { class: 'banner', id: 'gov-mode' },
        'Acting as administrator ',
        h('code', {}, g.adminKeyId),
        ': approvals made here are signed with the console’s key.',
      );
}

function openTable(g: GovernanceView, act: (p: ProposalView, btn: HTMLButtonElement) => void): HTMLElement {
  if (g.open.length === 0) return empty('no open proposals');
  return table(
    ['proposal', 'action', 'proposer', 'approvals', 'missing', 'expires', ''],
    g.open.map((p) => {
      const btn = h('button', { type: 'button', 'data-proposal': p.id }, 'Approve');
      btn.addEventListener('click', () => act(p, btn));
      return [
        h('code', { title: p.id }, short(p.id, 16)),
        h('span', { title: JSON.stringify(p.action) }, p.type),
        h('code', {}, short(p.proposer)),
        `${p.approvals.length} (${p.needed} more needed)`,
        p.missing.length === 0 ? '—' : p.missing.map((m) => short(m, 8)).join(', '),
        p.expired
          ? h('span', { class: 'bad' }, 'expired')
          : new Date(p.expiresAt).toISOString().replace('.000Z', 'Z'),
        mayApprove(p, g.adminKeyId)
          ? btn
          : g.adminKeyId === undefined && !p.expired
            ? h('code', { class: 'muted' }, `bkdms gov approve ${p.id} --rpc <node> --key <keystore>`)
            : '',
      ];
    }),
    { id: 'gov-open' },
  );
}

function closedTable(list: readonly ClosedView[]): HTMLElement {
  if (list.length === 0) return empty('no closed proposals in the history');
  return table(
    ['proposal', 'action', 'outcome', 'closed at', 'proposed at', 'signatories', 'changes'],
    list.map((c) => [
      h('code', { title: c.id }, short(c.id, 16)),
      c.type,
      h(
        'span',
        { class: c.outcome === 'executed' ? 'ok' : 'bad' },
        `${c.outcome}${c.reason ? ` (${c.reason})` : ''}`,
      ),
      h('a', { href: `#/blocks/${c.height}` }, c.height),
      c.proposedAt,
      c.approvals.map((a) => short(a, 8)).join(', '),
      c.changes.map((x) => `${x.kind} ${x.op} ${short(x.id, 8)} from ${x.at}`).join('; ') || '—',
    ]),
    { id: 'gov-closed' },
  );
}

function sitesTable(sites: readonly KpiSite[] | undefined): HTMLElement {
  if (sites === undefined) return empty('site registry unreadable');
  if (sites.length === 0) return empty('no site is registered');
  return table(
    ['key ID', 'status', 'city', 'country', 'address', 'allowed KPIs'],
    sites.map((x) => [
      h('code', { title: x.keyId }, short(x.keyId, 12)),
      h('span', { class: x.status === 'active' ? 'ok' : 'warn' }, x.status),
      x.city,
      x.country,
      h('code', {}, x.address),
      h(
        'span',
        { title: x.kpis.map((k) => `${k.code} ${k.name}`).join('\n') },
        x.kpis.map((k) => k.code).join(', '),
      ),
    ]),
    { id: 'gov-sites' },
  );
}

function render(
  g: GovernanceView,
  sites: readonly KpiSite[] | undefined,
  act: (p: ProposalView, btn: HTMLButtonElement) => void,
): HTMLElement[] {
  const params = g.params.map((p) => ({ ...p.value, activateAt: p.activateAt, current: p.current }));
  const paramKeys = [...new Set(params.flatMap((p) => Object.keys(p)))].filter(
    (k) => k !== 'activateAt' && k !== 'current',
  );
  return [
    modeBanner(g),
    h('p', { class: 'muted' }, `contract state after block ${g.height}, as one node reports it (unproven)`),
    h('h3', {}, `Administrators (threshold ${g.threshold} of ${g.admins.length})`),
    table(
      ['key ID', 'public key'],
      g.admins.map((a) => [h('code', {}, a.keyId), h('code', {}, short(a.publicKey, 24))]),
      { id: 'gov-admins' },
    ),
    h('h3', {}, 'Validator set'),
    table(
      ['from height', 'validators', 'keys'],
      g.validators.map((v) => [
        `${v.activateAt}${v.current ? ' (in force)' : v.activateAt > g.height ? ' (scheduled)' : ''}`,
        v.value.length,
        v.value.map((k, i) => `v${i} ${short(k, 10)}`).join(', '),
      ]),
      { id: 'gov-validators' },
    ),
    h('h3', {}, 'Chain parameters'),
    table(
      ['from height', ...paramKeys],
      params.map((p) => [
        `${p.activateAt}${p.current ? ' (in force)' : p.activateAt > g.height ? ' (scheduled)' : ''}`,
        ...paramKeys.map((k) => String((p as Record<string, unknown>)[k] ?? '—')),
      ]),
      { id: 'gov-params' },
    ),
    h('h3', {}, `Sites (${sites?.length ?? '?'})`),
    sitesTable(sites),
    h('h3', {}, `Open proposals (${g.open.length})`),
    openTable(g, act),
    h('h3', {}, 'Closed proposals (newest first)'),
    closedTable(g.closed),
  ];
}

export const governancePage: PageFactory = (root) => {
  const body = h('div', {}, empty('reading the governance contract…'));
  const note = h('p', { role: 'status', id: 'gov-note' });
  const loadedAt = h('p', { class: 'muted' });
  const reload = h('button', { type: 'button' }, 'Reload');
  root.append(h('h2', {}, 'Governance'), h('p', {}, reload, ' ', loadedAt), note, body);
  let at = 0;
  const load = (): void => {
    Promise.all([
      getJson<GovernanceView>('/api/governance'),
      getJson<{ sites: KpiSite[] }>('/api/kpi/sites').then(
        (r) => r.sites,
        () => undefined,
      ),
    ])
      .then(([g, sites]) => {
        at = Date.now();
        loadedAt.textContent = `read ${ago(at)}`;
        body.replaceChildren(...render(g, sites, act));
      })
      .catch((err: Error) => body.replaceChildren(errorBox(err.message)));
  };
  const act = (p: ProposalView, btn: HTMLButtonElement): void => {
    btn.disabled = true;
    note.textContent = `approving ${short(p.id, 16)}: signing and waiting for the block…`;
    postJson<{ tracingCode: string; height: number }>(`/api/action/approve/${p.id}`, {})
      .then((r) => {
        note.replaceChildren(
          `approval of ${short(p.id, 16)} committed at height `,
          h('a', { href: `#/blocks/${r.height}` }, r.height),
        );
        load();
      })
      .catch((err: Error) => {
        btn.disabled = false;
        note.replaceChildren(errorBox(`approval refused: ${err.message}`));
      });
  };
  reload.addEventListener('click', load);
  load();
  return {
    live() {
      if (at > 0) loadedAt.textContent = `read ${ago(at)}`;
    },
  };
};
