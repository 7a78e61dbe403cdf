// Governance: administrators and threshold, the validator set and chain parameters with their
// scheduled changes, the registered sites (status, allowed KPIs), open proposals (who approved,
// who is missing) and the closed ones. Each item says whether the console proved it against its
// trust anchor (and by which node, and which nodes' answers it refused); an item no node proved is
// not shown. Approving is offered only when the console holds an administrator key (--admin-key)
// and the open proposals are proven; otherwise the page says why and shows the CLI command that
// approves. The page sends the action it shows, and the console signs only if a fresh proof names
// that same action. The chain checks every approval: the page only asks the console to sign.
import type { ClosedView, GovernanceView, ProposalView } from '../../governance.js';
import type { KpiSite } from '../../kpi-data.js';
import type { ItemProof } from '../../proven-reads.js';
import type { Confirmation } from '../../receipts.js';
import { ago, empty, errorBox, getJson, h, postJson, short, table } from '../dom.js';
import type { PageFactory } from '../main.js';
import { mayApprove } from '../series.js';
import { proposeForm } from './propose-form.js';
import { receiptLine } from './receipt-line.js';

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

/** One item's proof status: proven (by which node), refused by every node, or one node's word. */
function proofLine(p: ItemProof, id: string): HTMLElement {
  const refused = p.refused.map((r) => `${r.node}${r.lied ? ' (proof does not verify)' : ''}: ${r.reason}`);
  if (p.error !== undefined)
    return h('p', { class: 'bad proof', id, 'data-proof': 'refused' }, `not shown, unproven: ${p.error}`);
  const asked = refused.length === 0 ? '' : `; refused first: ${refused.join('; ')}`;
  return p.verified
    ? h(
        'p',
        { class: 'ok proof', id, 'data-proof': 'proven' },
        `proven against the console’s genesis, answer of ${p.node}${asked}`,
      )
    : h(
        'p',
        { class: 'warn proof', id, 'data-proof': 'unproven' },
        `unproven: the word of ${p.node}${asked}`,
      );
}

function openTable(g: GovernanceView, act: (p: ProposalView, btn: HTMLButtonElement) => void): HTMLElement {
  if (g.proofs.open.error !== undefined) return empty('open proposals not shown: no node proved them');
  if (g.open.length === 0) return empty('no open proposals');
  // Approving signs for a proposal ID; only a proven action may be put before the administrator.
  const canApprove = g.proofs.open.verified;
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
        mayApprove(p, g.adminKeyId) && canApprove
          ? btn
          : mayApprove(p, g.adminKeyId)
            ? h('span', { class: 'warn' }, 'not approvable here: unproven')
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

interface SiteList {
  sites: KpiSite[];
  refused?: { keyId: string; proof: ItemProof }[];
}

function sitesTable(list: SiteList | undefined): HTMLElement {
  if (list === undefined) return empty('site registry unreadable');
  const refused = (list.refused ?? []).map((r) =>
    h(
      'p',
      { class: 'bad', 'data-site': r.keyId },
      `site ${short(r.keyId, 12)} not shown: ${r.proof.error ?? ''}`,
    ),
  );
  if (list.sites.length === 0) return h('div', {}, empty('no site is registered'), ...refused);
  const rows = table(
    ['key ID', 'status', 'city', 'country', 'address', 'allowed KPIs', 'proof'],
    list.sites.map((x) => [
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
      x.proof?.verified
        ? h('span', { class: 'ok', title: `answer of ${x.proof.node}` }, 'proven')
        : h('span', { class: 'warn', title: x.proof?.node ?? '' }, 'unproven'),
    ]),
    { id: 'gov-sites' },
  );
  return h('div', {}, rows, ...refused);
}

function render(
  g: GovernanceView,
  sites: SiteList | undefined,
  act: (p: ProposalView, btn: HTMLButtonElement) => void,
  propose: (g: GovernanceView) => HTMLElement[],
): HTMLElement[] {
  const params = g.params.map((p) => ({ ...p.value, activateAt: p.activateAt, current: p.current }));
  const paramKeys = [...new Set(params.flatMap((p) => Object.keys(p)))].filter(
    (k) => k !== 'activateAt' && k !== 'current',
  );
  return [
    modeBanner(g),
    g.anchored
      ? h(
          'p',
          { class: 'muted', id: 'gov-trust' },
          `contract state after block ${g.height}, each item proven against the console’s genesis (its trust anchor) or not shown`,
        )
      : h(
          'p',
          { class: 'banner readonly', id: 'gov-trust' },
          `contract state after block ${g.height}, UNPROVEN: the console was started without --genesis, so this is one node’s word (`,
          h('code', {}, 'bkdms gov list --genesis'),
          ' proves it)',
        ),
    h('h3', {}, `Administrators (threshold ${g.threshold} of ${g.admins.length})`),
    proofLine(g.proofs.admins, 'gov-proof-admins'),
    table(
      ['key ID', 'public key'],
      g.admins.map((a) => [h('code', {}, a.keyId), h('code', {}, short(a.publicKey, 24))]),
      { id: 'gov-admins' },
    ),
    h('h3', {}, 'Validator set'),
    proofLine(g.proofs.validators, 'gov-proof-validators'),
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
    proofLine(g.proofs.params, 'gov-proof-params'),
    table(
      ['from height', ...paramKeys],
      params.map((p) => [
        `${p.activateAt}${p.current ? ' (in force)' : p.activateAt > g.height ? ' (scheduled)' : ''}`,
        ...paramKeys.map((k) => String((p as Record<string, unknown>)[k] ?? '—')),
      ]),
      { id: 'gov-params' },
    ),
    h('h3', {}, `Sites (${sites?.sites.length ?? '?'})`),
    sitesTable(sites),
    h('h3', {}, `Open proposals (${g.open.length})`),
    proofLine(g.proofs.open, 'gov-proof-open'),
    openTable(g, act),
    ...propose(g),
    h('h3', {}, 'Closed proposals (newest first)'),
    proofLine(g.proofs.closed, 'gov-proof-closed'),
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
  let waiting = false;
  // After an action committed at height H, the proven state holds it only once a header above H
  // certifies it, and an idle chain cuts no block: read again (bounded, two minutes) until the
  // state shown is the one after H, saying what the page waits for.
  const load = (committed?: number, tries = 0): void => {
    Promise.all([
      getJson<GovernanceView>('/api/governance'),
      getJson<SiteList>('/api/kpi/sites').then(
        (r) => r,
        () => undefined,
      ),
    ])
      .then(([g, sites]) => {
        at = Date.now();
        loadedAt.textContent = `read ${ago(at)}`;
        body.replaceChildren(...render(g, sites, act, propose));
        waiting = committed !== undefined && g.height < committed && tries < 120;
        if (waiting) {
          loadedAt.textContent = `the change committed at ${committed} shows once a block after it is certified (an idle chain cuts none); reading again…`;
          setTimeout(() => load(committed, tries + 1), 1_000);
        }
      })
      .catch((err: Error) => body.replaceChildren(errorBox(err.message)));
  };
  const act = (p: ProposalView, btn: HTMLButtonElement): void => {
    btn.disabled = true;
    note.textContent = `approving ${short(p.id, 16)} (${p.type}): proving it again, signing, waiting for the block…`;
    // The action shown goes along: the console signs only if a fresh proof names the same one.
    postJson<{ tracingCode: string; height: number; provenBy: string; confirmation: Confirmation }>(
      `/api/action/approve/${p.id}`,
      { action: p.action },
    )
      .then((r) => {
        note.replaceChildren(
          `approval of ${short(p.id, 16)} (${p.type}, proven by ${r.provenBy}) committed at height `,
          h('a', { href: `#/blocks/${r.height}` }, r.height),
          ` (says ${r.confirmation.claimedBy});`,
          receiptLine(r.confirmation),
        );
        load(r.height);
      })
      .catch((err: Error) => {
        btn.disabled = false;
        note.replaceChildren(errorBox(`approval refused: ${err.message}`));
      });
  };
  const propose = (g: GovernanceView): HTMLElement[] =>
    g.adminKeyId === undefined ? [] : [h('h3', {}, 'Propose'), proposeForm(g, note, load)];
  reload.addEventListener('click', () => load());
  load();
  return {
    live() {
      if (at > 0 && !waiting) loadedAt.textContent = `read ${ago(at)}`;
    },
  };
};
