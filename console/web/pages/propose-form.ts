// The Governance page's proposal form, shown only when the console holds an administrator key: an
// action as JSON (the fields of `bkdms gov propose`'s flags, console/propose.ts), started from a
// template of the chosen type filled with what the page shows in force. The console checks every field before it signs
// (console/propose.ts) and the chain checks the proposal again when it executes. Registering
// another chain's light client takes that chain's genesis file (pasted, or read from a file here in
// the browser) and one of its nodes' address: the console fetches the trusted header from that
// node and proposes it only if the genesis validator set certifies it (console/propose-counterparty.ts).
import { COUNTERPARTY_DEFAULTS } from '../../../api/counterparty-defaults.js';
import type { GovernanceView } from '../../governance.js';
import { COUNTERPARTY, FORM_TYPES } from '../../proposable.js';
import type { Confirmation } from '../../receipts.js';
import { errorBox, h, postJson, short } from '../dom.js';
import { receiptLine } from './receipt-line.js';

function template(type: string, g: GovernanceView): unknown {
  switch (type) {
    case 'setAdmins':
      return { type, admins: g.admins.map((a) => a.publicKey), threshold: g.threshold };
    case 'setValidators':
      return {
        type,
        validators: g.validators.find((v) => v.current)?.value ?? [],
        activateAt: Math.max(0, g.height) + 20,
      };
    case 'setParams': {
      const { periodMs, maxBlockEnvelopes, maxBlockBytes, viewTimeoutMs, maxSeqGap, maxEnvelopeFutureMs } =
        (g.params.find((p) => p.current)?.value ?? {}) as Record<string, number | undefined>;
      return {
        type,
        params: { periodMs, maxBlockEnvelopes, maxBlockBytes, viewTimeoutMs, maxSeqGap, maxEnvelopeFutureMs },
        activateAt: Math.max(0, g.height) + 20,
      };
    }
    case 'registerSite':
      return { type, publicKey: '', country: 'CH', city: 'locode:CHGVA', siteId: '10.0.0.1', kpi: [] };
    case 'rotateSiteKey':
      return { type, siteKeyId: '', newPublicKey: '' };
    case 'addScpKey':
      return { type, publicKey: '', days: 365 };
    case 'retireScpKey':
      return { type, scpKeyId: '' };
    case 'recoverClient':
      return { type, clientId: 0, substituteId: 1 };
    case COUNTERPARTY:
      return {
        type,
        clientId: 0,
        remoteRpc: '127.0.0.1:7001',
        genesis: {},
        relayers: [],
        ...COUNTERPARTY_DEFAULTS,
      };
    default:
      return { type, siteKeyId: '' };
  }
}

export function proposeForm(
  g: GovernanceView,
  note: HTMLElement,
  done: (committedAt: number) => void,
): HTMLElement {
  const type = h(
    'select',
    { name: 'type', 'aria-label': 'action type', id: 'gov-propose-type' },
    ...FORM_TYPES.map((t) => h('option', { value: t }, t)),
  );
  const text = h('textarea', {
    id: 'gov-propose-action',
    rows: '6',
    cols: '80',
    'aria-label': 'action JSON',
  });
  const genesis = genesisInput(text, note);
  const fill = (): void => {
    text.value = JSON.stringify(template(type.value, g), null, 1);
    genesis.hidden = type.value !== COUNTERPARTY;
  };
  type.addEventListener('change', fill);
  fill();
  const send = h('button', { type: 'button', id: 'gov-propose' }, 'Propose');
  send.addEventListener('click', () => {
    let action: unknown;
    try {
      action = JSON.parse(text.value);
    } catch {
      note.replaceChildren(errorBox('the action is not JSON'));
      return;
    }
    send.disabled = true;
    note.textContent = 'proposing: signing and waiting for the block…';
    postJson<{ proposalId: string; height: number; confirmation: Confirmation; trusted?: Trusted }>(
      '/api/action/propose',
      { action },
    )
      .then((r) => {
        note.replaceChildren(
          ...(r.trusted === undefined ? [] : trustedLine(r.trusted)),
          `proposal ${short(r.proposalId, 16)} committed at height `,
          h('a', { href: `#/blocks/${r.height}` }, r.height),
          ` (says ${r.confirmation.claimedBy});`,
          receiptLine(r.confirmation),
        );
        done(r.height);
      })
      .catch((err: Error) => note.replaceChildren(errorBox(`proposal refused: ${err.message}`)))
      .finally(() => {
        send.disabled = false;
      });
  });
  return h('div', { id: 'gov-propose-form' }, h('p', {}, type, ' ', send), genesis, text);
}

/** The header a counterparty registration trusts, as the console verified it. */
interface Trusted {
  chainId: string;
  height: number;
  blockHash: string;
}

const trustedLine = (t: Trusted): (string | HTMLElement)[] => [
  `trusted header ${t.height} of chain `,
  h('code', { title: t.chainId }, short(t.chainId, 16)),
  ' (block ',
  h('code', { title: t.blockHash }, short(t.blockHash, 16)),
  '), certified by the genesis validator set; ',
];

/** The other chain's genesis file, read here and set as the action's `genesis` field. */
function genesisInput(text: HTMLTextAreaElement, note: HTMLElement): HTMLElement {
  const file = h('input', {
    type: 'file',
    id: 'gov-propose-genesis',
    accept: '.json,application/json',
    'aria-label': 'genesis file of the other chain',
  });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f === undefined) return;
    void f.text().then((t) => {
      try {
        const action = JSON.parse(text.value) as Record<string, unknown>;
        action.genesis = JSON.parse(t) as unknown;
        text.value = JSON.stringify(action, null, 1);
        note.textContent = `genesis read from ${f.name}`;
      } catch {
        note.replaceChildren(errorBox(`${f.name} or the action is not JSON`));
      }
    });
  });
  return h(
    'p',
    { id: 'gov-propose-genesis-row' },
    'The other chain’s genesis file: ',
    file,
    h('br', {}),
    'The console fetches the trusted header from remoteRpc (a node of the other chain) and proposes it only if this genesis’s validator set certifies it: that node is trusted for nothing, the genesis for everything. Get the genesis file from the other chain’s operators by a channel you trust. A chain whose validator set changed since its genesis needs a header from before the change (height).',
  );
}
