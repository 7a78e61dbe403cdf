// The Governance page's proposal form, shown only when the console holds an administrator key: an
// action as JSON (the fields of `bkdms gov propose`'s flags, console/propose.ts), started from a
// template of the chosen type filled with what the page shows in force. The console checks every field before it signs
// (console/propose.ts) and the chain checks the proposal again when it executes.
import type { GovernanceView } from '../../governance.js';
import { PROPOSABLE } from '../../proposable.js';
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
    ...PROPOSABLE.map((t) => h('option', { value: t }, t)),
  );
  const text = h('textarea', {
    id: 'gov-propose-action',
    rows: '6',
    cols: '80',
    'aria-label': 'action JSON',
  });
  const fill = (): void => {
    text.value = JSON.stringify(template(type.value, g), null, 1);
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
    postJson<{ proposalId: string; height: number; confirmation: Confirmation }>('/api/action/propose', {
      action,
    })
      .then((r) => {
        note.replaceChildren(
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
  return h('div', { id: 'gov-propose-form' }, h('p', {}, type, ' ', send), text);
}
