// The receipt of the console's own actions, proven. The node an approval or a proposal was
// submitted to answers "committed at height H" (platform/admin.ts), and that is its word only: a
// node could say so of a call it dropped. So the console asks the nodes in turn for the call's
// trace and keeps the first that verifies against its trust anchor, by the very check `bkdms trace`
// and the sites run on a receipt (api/verify.ts verifyTrace: the envelope's Merkle path to the
// header's txRoot, and that header's commit certificate by 2f+1 of the validator set the console's
// light client has followed from its genesis). Only then is the action "confirmed (proven)". Every
// node whose trace does not verify is named; so is the submitting node when the proven height is
// not the one it claimed. The proof is of inclusion in a certified block: the call's effect (it
// executed, or the contract refused it) shows in the proven governance state once a block after it
// is certified, which the Governance page reads again until it does.
import type { LightClient, ValidatorChangeReader } from '../api/light-client.js';
import { firstProven, type NamedNode, NoProvenAnswer, type Refusal } from '../api/proven-state.js';
import { pause } from '../api/retry.js';
import type { TraceBundleBytes } from '../api/types.js';
import { verifyTrace } from '../api/verify.js';

/** What a proven receipt needs from a node: proven state (to follow validator changes) and traces. */
export interface ReceiptReader extends ValidatorChangeReader {
  trace(tracingCode: Uint8Array): Promise<TraceBundleBytes>;
}

/** What the node the call was submitted to claimed. */
export interface ReceiptClaim {
  node: string;
  height: number;
}

export interface Confirmation {
  /** The call's trace verified against the console's trust anchor. */
  proven: boolean;
  /** The node whose "committed" the console was told first. */
  claimedBy: string;
  claimedHeight: number;
  /** The proven block height (when proven). */
  height?: number;
  /** The node whose trace verified. */
  node?: string;
  /** Nodes whose traces were refused (and the claimant, when its height was not the proven one). */
  refused: Refusal[];
  /** Why it is not proven. */
  error?: string;
}

export interface ConfirmOptions {
  /** Rounds over the nodes before giving up: a node may hold the block a moment after another. */
  attempts?: number;
  pauseMs?: number;
}

/**
 * The call `code` proven committed by the first node whose trace verifies through `light`, asking
 * `nodes()` in turn, a few rounds when none can yet. Never throws for a node's failure: an
 * unproven receipt says why, and who was asked.
 */
export async function confirmReceipt(
  nodes: () => NamedNode<ReceiptReader>[],
  light: LightClient | undefined,
  code: Uint8Array,
  claim: ReceiptClaim,
  o: ConfirmOptions = {},
): Promise<Confirmation> {
  const base = { proven: false, claimedBy: claim.node, claimedHeight: claim.height };
  if (light === undefined)
    return {
      ...base,
      refused: [],
      error: 'the console has no trust anchor (--genesis): the receipt is the word of the node',
    };
  const attempts = o.attempts ?? 10;
  let refused: Refusal[] = [];
  for (let i = 0; i < attempts; i++) {
    try {
      const r = await firstProven(nodes(), light, async (node, trust) =>
        verifyTrace(await node.trace(code), code, trust),
      );
      const height = r.value.header.height;
      const claimant: Refusal[] =
        height === claim.height
          ? []
          : [
              {
                node: claim.node,
                reason: `its receipt said height ${claim.height}, the proven trace says ${height}`,
                lied: true,
              },
            ];
      return { ...base, proven: true, height, node: r.node, refused: [...r.refused, ...claimant] };
    } catch (err) {
      if (!(err instanceof NoProvenAnswer)) throw err;
      refused = err.refused;
    }
    if (i + 1 < attempts) await pause(o.pauseMs ?? 500);
  }
  const why = refused.map((r) => `${r.node}${r.lied ? ' (does not verify)' : ''}: ${r.reason}`).join('; ');
  return {
    ...base,
    refused,
    error: `${claim.node} said committed at height ${claim.height}, but no node proved it${why === '' ? '' : `: ${why}`}`,
  };
}
