// Trace: a tracing code in, the chain of evidence out, verified in this page (verify-trace.ts)
// against the trust anchor the page holds (anchor.ts). The backend relays the node's bytes only.

import type { ValidatorChanges } from '../../validator-changes.js';
import { currentAnchor, parseAnchorText, pin, pinnedAnchor, unpin } from '../anchor.js';
import { empty, errorBox, getJson, h, short, table } from '../dom.js';
import { type FollowedSet, followValidators } from '../follow-validators.js';
import type { PageFactory } from '../main.js';
import type { BundleHex } from '../types.js';
import { type Anchor, verifyTraceInBrowser } from '../verify-trace.js';

function anchorBox(anchor: Anchor | undefined, reload: () => void): HTMLElement {
  const file = h('input', {
    type: 'file',
    accept: '.json,application/json',
    'aria-label': 'genesis or anchor file',
  });
  const msg = h('span');
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (f === undefined) return;
    try {
      pin(parseAnchorText(await f.text(), f.name));
      reload();
    } catch (err) {
      msg.replaceChildren(errorBox(`not a genesis or anchor file: ${(err as Error).message}`));
    }
  });
  return h(
    'div',
    { class: 'card', id: 'anchor' },
    h('div', { class: 'label' }, 'trust anchor'),
    anchor === undefined
      ? h('p', { class: 'bad' }, 'none: start the console with --genesis, or pin your genesis file below')
      : h(
          'p',
          {},
          `chain `,
          h('code', {}, short(anchor.chainId, 16)),
          `, ${anchor.validators.length} validators, from ${anchor.source}`,
        ),
    h(
      'p',
      {},
      'Pin your own genesis or anchor file (kept in this browser): ',
      file,
      ' ',
      pinnedAnchor()
        ? h(
            'button',
            {
              onclick: () => {
                unpin();
                reload();
              },
            },
            'forget pinned anchor',
          )
        : '',
      msg,
    ),
  );
}

async function run(out: HTMLElement, code: string, anchor: Anchor): Promise<void> {
  out.replaceChildren(empty('fetching the proof bundle from a node…'));
  const r = await getJson<{ node: string; bundle: BundleHex }>(`/api/trace/${encodeURIComponent(code)}`);
  // The validator set by height, proven here through every change since the anchor; when that
  // fails the anchor's set is used (it still verifies blocks before the first change).
  let followed: FollowedSet | undefined;
  let followNote: string;
  try {
    followed = followValidators(anchor, await getJson<ValidatorChanges>('/api/validator-changes'));
    followNote =
      followed.changes.length === 0
        ? `no validator-set change since the anchor (proven to height ${followed.provenHeight})`
        : `followed ${followed.changes.length} validator-set change(s), activating at ${followed.changes.join(', ')} (proven to height ${followed.provenHeight})`;
  } catch (err) {
    followNote = `validator-set changes not followed (${(err as Error).message}): the anchor’s set is used`;
  }
  const v = verifyTraceInBrowser(code, r.bundle, anchor, followed?.validators);
  const e = v.envelope;
  out.replaceChildren(
    h(
      'p',
      { class: `verdict ${v.ok ? 'ok' : 'bad'}`, id: 'verdict' },
      v.ok ? `VERIFIED in this browser: committed at height ${v.height}` : `NOT VERIFIED: ${v.reason}`,
    ),
    table(
      ['check', 'result'],
      v.steps.map((s) => [
        s.what,
        h(
          'span',
          { class: s.state.replace(' ', '-'), 'data-step': s.id },
          s.state,
          s.detail ? ` (${s.detail})` : '',
        ),
      ]),
      { id: 'checks' },
    ),
    h('h3', {}, 'Evidence'),
    table(
      ['item', 'value'],
      [
        ['tracing code', h('code', {}, code)],
        ['bundle from', r.node],
        ['validator set', h('span', { id: 'followed' }, followNote)],
        ['block', v.height === undefined ? '—' : h('a', { href: `#/blocks/${v.height}` }, v.height)],
        ['block time', v.blockTime === undefined ? '—' : new Date(v.blockTime).toISOString()],
        ['leaf index / path length', `${r.bundle.leafIndex} / ${r.bundle.proof.length}`],
        [
          'envelope',
          e
            ? `${e.kind}, ${e.bytes} bytes, signer ${e.signerKeyId}, seq ${e.seq}, ${new Date(e.time).toISOString()}`
            : 'does not decode',
        ],
        [
          'routing',
          e?.routing
            ? `country ${e.routing.country}, city ${e.routing.city}, site ${e.routing.siteId}, KPIs ${e.routing.kpiCodes.join(', ')}`
            : '—',
        ],
      ],
    ),
  );
}

export const tracePage: PageFactory = (root, _store, args) => {
  const input = h('input', {
    type: 'text',
    name: 'code',
    placeholder: 'tracing code (64 hex digits)',
    value: args[0] ?? '',
    'aria-label': 'tracing code',
  });
  const form = h('form', {}, input, h('button', { type: 'submit' }, 'Verify'));
  const anchorSlot = h('div');
  const out = h('div', { id: 'trace-result' });
  root.append(h('h2', {}, 'Trace'), form, anchorSlot, out);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = `#/trace/${input.value.trim().toLowerCase()}`;
  });
  const load = async (): Promise<void> => {
    const anchor = await currentAnchor();
    anchorSlot.replaceChildren(anchorBox(anchor, () => void load()));
    const code = args[0];
    if (code === undefined)
      return void out.replaceChildren(
        empty('paste a tracing code (from a site’s outbox, a block, or the platform)'),
      );
    if (anchor === undefined)
      return void out.replaceChildren(errorBox('no trust anchor: nothing can be verified'));
    await run(out, code, anchor);
  };
  load().catch((err: Error) => out.replaceChildren(errorBox(err.message)));
  return {};
};
