// What the page needs to check a trace past validator-set changes, relayed unverified as the node
// sends it: the proof a node keeps of each change (the validator schedule proven against header
// activation - 1, certified by the set before the change) and the tip's proven schedule. The page
// feeds them, oldest first, to api/light-client.ts's LightClient started from its own trust anchor,
// so a set reaches the verdict only vouched for by a certificate of the set before it.
import type { StateProofBytes } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';
import { K } from '../ledger/records.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { ConsoleService } from './service.js';

export interface ProofHex {
  header: string;
  certificate: string;
  buckets: string[];
}

export interface ValidatorChanges {
  /** Each change the node names, oldest first. */
  changes: { activation: number; proof: ProofHex }[];
  /** The schedule proven at the node's tip (a header at or above every change). */
  tip: ProofHex;
}

/** Changes followed for one trace; a chain that changed its set more often is cut short here. */
const MAX_CHANGES = 256;

function proofHex(p: StateProofBytes | null | undefined): ProofHex {
  if (p === null || p === undefined)
    throw new ConsoleError(ConsoleErrorCode.Unavailable, 'the node sent no proof of the validator schedule');
  return { header: toHex(p.header), certificate: toHex(p.certificate), buckets: p.buckets.map(toHex) };
}

/** Every change the node names up to its tip (the tip's proof needs them all), and the tip's proof. */
export async function validatorChanges(svc: ConsoleService): Promise<ValidatorChanges> {
  const node = svc.nodes.find((n) => n.view.up);
  if (node === undefined) throw new ConsoleError(ConsoleErrorCode.Unavailable, 'no node is up');
  const c = node.client;
  const named = await c.getState(K.validators, false, { deadlineMs: 5_000 });
  const raw = named.entries[0]?.value;
  const schedule =
    raw === undefined ? [] : (JSON.parse(new TextDecoder().decode(raw)) as { activateAt: number }[]);
  // Activation A is proven at header A - 1; genesis (A = 0) is the anchor itself.
  const activations = schedule
    .map((s) => s.activateAt)
    .filter((a) => a > 2 && a - 1 <= named.height)
    .sort((a, b) => a - b)
    .slice(0, MAX_CHANGES);
  const changes = [];
  for (const activation of activations)
    changes.push({
      activation,
      proof: proofHex((await c.getValidatorChange(activation, { deadlineMs: 5_000 })).proof),
    });
  const tip = proofHex((await c.getState(K.validators, true, { deadlineMs: 5_000 })).proof);
  return { changes, tip };
}
