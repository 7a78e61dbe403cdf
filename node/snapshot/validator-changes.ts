// The proofs of validator-set changes a node joining by state sync needs (docs/storage.md,
// "Joining by state sync"). Each is the schedule's bucket against header A - 1, the last header of
// the set before the change at A, asked of peers with the snapshot protocol's CHANGE and verified
// by a light client (api/light-client.ts) that holds the set in force at A - 1: a proof is taken
// only when a certificate of the set before the change vouches for it.
// - followChanges: before the light client accepts a peer's tip, it learns every change that peer
//   names below it (the header anchor, header-anchor.ts): without it a chain whose set ever changed
//   could not be joined from genesis.
// - changesUpTo: for the install, the proof of every change the verified snapshot's schedule holds
//   at or below base + 1, learned from genesis by a light client of its own, so the node serves
//   every change proof (GetState `activation`) the moment it is installed, whatever anchor verified
//   the snapshot. A change no peer proves is left out, with every later one (they cannot be
//   verified without it): the node answers NOT_FOUND for those, as a node that kept none does.
import { LightClient } from '../../api/light-client.js';
import { parseJson, scheduledAt } from '../../api/state-values.js';
import {
  decodeParts,
  encodeSnapshotRequest,
  MAX_VALIDATORS_PROOF_BYTES,
  SnapshotRequestKind,
  VALIDATORS_PROOF_PARTS,
} from '../../codec/snapshot-messages.js';
import { decodeStateProof } from '../../codec/state-proof.js';
import type { Hash32 } from '../../codec/types.js';
import { toHex } from '../../crypto/bytes.js';
import { K, type Scheduled } from '../../ledger/records.js';
import type { InstalledValidatorChange } from '../store/index.js';
import { SnapshotError, SnapshotErrorCode } from './errors.js';
import type { AskPeer } from './header-anchor.js';

/** At most this many changes are followed or fetched in one sync (as the light client's follow). */
export const MAX_SYNCED_CHANGES = 4096;

export type Penalize = (peer: string, reason: string) => void;

const dec = new TextDecoder();

/** The validator schedule an encoded "gov/validators" bucket proof holds (empty when absent). */
export function scheduleInBucket(bucket: Uint8Array): Scheduled<string[]>[] {
  const entry = decodeStateProof(bucket).entries.find((e) => dec.decode(e.key) === K.validators);
  return entry === undefined ? [] : parseJson<Scheduled<string[]>[]>(entry.value);
}

/**
 * Verifies a change proof with `client` and learns from it (the client then knows the sets up to
 * activation - 1). Throws when it does not verify, or proves a schedule without that change.
 */
export function takeChange(
  client: LightClient,
  activation: number,
  proof: Omit<InstalledValidatorChange, 'activation'>,
): InstalledValidatorChange {
  // accept() takes a header at or below what is proven without checking it: never offer those.
  if (activation - 1 <= client.provenHeight)
    throw new SnapshotError(
      SnapshotErrorCode.Unverified,
      `change at ${activation} is not above the proven height ${client.provenHeight}`,
      { height: activation },
    );
  // Checked before the client learns from it: a genuine header's schedule without the change is
  // not a proof of it.
  if (!scheduleInBucket(proof.bucket).some((s) => s.activateAt === activation))
    throw new Error('the proven schedule holds no change there');
  const { header, certificate, bucket } = proof;
  client.accept({ header, certificate, buckets: [bucket] }, activation - 1);
  return { activation, header, certificate, bucket };
}

/**
 * Asks `peers` in order for the proof of the change activating at `activation` until one verifies
 * (takeChange). A peer whose answer does not verify is reported; one that fails or keeps none is
 * skipped. Undefined when no peer proved it.
 */
export async function learnChangeFromPeers(
  client: LightClient,
  activation: number,
  peers: readonly string[],
  ask: AskPeer,
  penalize: Penalize,
): Promise<InstalledValidatorChange | undefined> {
  const request = encodeSnapshotRequest({ kind: SnapshotRequestKind.Change, height: activation });
  for (const peer of peers) {
    let answer: Uint8Array;
    try {
      answer = await ask(peer, request, MAX_VALIDATORS_PROOF_BYTES);
    } catch {
      continue; // unreachable, busy, or keeps no proof of it: not a lie
    }
    try {
      const [header, certificate, bucket] = decodeParts(
        answer,
        VALIDATORS_PROOF_PARTS,
        'validatorChange',
      ) as [Uint8Array, Uint8Array, Uint8Array];
      return takeChange(client, activation, { header, certificate, bucket });
    } catch (err) {
      if (err instanceof SnapshotError) throw err;
      penalize(peer, `change proof for activation ${activation}: ${(err as Error).message}`);
    }
  }
  return undefined;
}

/**
 * Learns, oldest first, every change `schedule` (a peer's, not yet verified) names whose proving
 * header is above what `client` has proven and at or below `upTo`, asking `peers` in order.
 * Returns the proofs taken; throws UNVERIFIED when one of them no peer proves.
 */
export async function followChanges(
  client: LightClient,
  schedule: readonly Scheduled<string[]>[],
  upTo: number,
  peers: readonly string[],
  ask: AskPeer,
  penalize: Penalize,
): Promise<InstalledValidatorChange[]> {
  const named = schedule
    .map((s) => s.activateAt)
    .filter((a) => a - 1 > client.provenHeight && a - 1 <= upTo)
    .sort((a, b) => a - b)
    .slice(0, MAX_SYNCED_CHANGES);
  const out: InstalledValidatorChange[] = [];
  for (const a of named) {
    if (a - 1 <= client.provenHeight) continue;
    const change = await learnChangeFromPeers(client, a, peers, ask, penalize);
    if (change === undefined)
      throw new SnapshotError(
        SnapshotErrorCode.Unverified,
        `no peer proved the validator-set change at ${a}`,
        {
          height: a,
        },
      );
    out.push(change);
  }
  return out;
}

export interface ChangesUpTo {
  /** Verified proofs, oldest first, of the changes activating at or below base + 1. */
  changes: InstalledValidatorChange[];
  /** Activations no peer proved (and every one after the first of them). */
  missing: number[];
}

/**
 * The proof of every change `schedule` (the verified snapshot's, the state after `base`) holds at
 * or below base + 1, learned from `genesis` (`known`: proofs the header anchor already verified,
 * checked again here; the rest asked of `peers`). Throws UNVERIFIED when the proven sets differ
 * from the snapshot's schedule: two histories, certified each, which only more than f faulty
 * validators can make.
 */
export async function changesUpTo(d: {
  genesis: { chainId: Hash32; validators: readonly Uint8Array[] };
  schedule: readonly Scheduled<string[]>[];
  base: number;
  peers: readonly string[];
  ask: AskPeer;
  penalize: Penalize;
  known?: ReadonlyMap<number, InstalledValidatorChange>;
}): Promise<ChangesUpTo> {
  const client = new LightClient(d.genesis);
  const activations = d.schedule
    .map((s) => s.activateAt)
    .filter((a) => a >= 2 && a <= d.base + 1)
    .sort((a, b) => a - b)
    .slice(0, MAX_SYNCED_CHANGES);
  const changes: InstalledValidatorChange[] = [];
  for (const [i, a] of activations.entries()) {
    let change: InstalledValidatorChange | undefined;
    const known = d.known?.get(a);
    try {
      if (known !== undefined) change = takeChange(client, a, known);
    } catch {
      // Verified by the anchor's client already; should it not verify here, peers are asked.
    }
    change ??= await learnChangeFromPeers(client, a, d.peers, d.ask, d.penalize);
    if (change === undefined) return { changes, missing: activations.slice(i) };
    const proven = client.candidateAt(a).map(toHex);
    const snapshot = scheduledAt(d.schedule, a);
    if (snapshot === undefined || proven.join() !== snapshot.join())
      throw new SnapshotError(
        SnapshotErrorCode.Unverified,
        `the change proven at ${a} names another set than the snapshot's schedule`,
        { height: a },
      );
    changes.push(change);
  }
  return { changes, missing: [] };
}
