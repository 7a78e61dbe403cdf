// How the Governance page reports the receipt of its own approval or proposal: "confirmed (proven)"
// only when the console proved the call's trace against its genesis (console/receipts.ts); else the
// submitting node's word, said to be so, with every node whose answer was refused named.
import type { Confirmation } from '../../receipts.js';
import { h } from '../dom.js';

export function receiptLine(c: Confirmation): HTMLElement {
  const refused = c.refused.map((r) => `${r.node}${r.lied ? ' (lied)' : ''}: ${r.reason}`);
  const named = refused.length === 0 ? '' : `; refused: ${refused.join('; ')}`;
  return c.proven
    ? h(
        'span',
        { class: 'ok', id: 'gov-receipt', 'data-receipt': 'proven' },
        ` confirmed (proven): in block ${c.height}, its trace verified against the console’s genesis, answer of ${c.node}${named}`,
      )
    : h(
        'span',
        { class: 'bad', id: 'gov-receipt', 'data-receipt': 'unproven' },
        ` NOT confirmed: ${c.error ?? 'unproven'}${named}`,
      );
}
