// Makes a reading anew when the chain refuses its envelope for good although the reading itself
// is fine. Two cases:
// - REPLAYED. A node admitted the envelope, then crashed before passing it on; the site went on
//   uploading later sequence numbers, which committed; by the time the outbox re-sends the lost
//   envelope, its seq has fallen out of the permission contract's replay window (SeqTooOld), or
//   another envelope holds it (SeqReplayed, e.g. a data folder restored from a backup).
// - Signed with a key rotated out (UNAUTHORIZED, KeyRotated). The site was restarted with its new
//   keystore after an administrator rotated its key, with envelopes the old key signed still in
//   the outbox (sealed while the site was cut off, or not yet committed when it stopped).
// - Refused when its block executed (e.g. SiteSuspended: the site was suspended after admission).
//   The envelope is in a block with that result for good: the chain never takes it again (a
//   re-send is answered ALREADY_COMMITTED with the result), so the reading goes on only as a new
//   envelope, and admission's answer to that one decides (a refusal that lasts comes back there).
// Moving it to rejected/ would lose the reading for the city, so the same record is sealed again
// under a fresh seq, with the site's current key.
//
// Why no duplicate can follow: the contract refuses a seq below the window or already used, its
// window only moves forward, and block execution applies the same check, so an envelope refused
// that way can never commit later; only the re-made one can (docs/site.md §5). Likewise a rotated
// key never signs for the site again, at admission or at execution, and a node answers "already
// committed" rather than refusing an envelope it has committed. An envelope refused at execution
// is in its block for good and never admitted again. The one REPLAYED answer that is
// not final ("already pending") is not re-made: see seqHeldByPending.

import { ApiErrorCode } from '../api/errors.js';
import { envelopeSignerKeyId } from '../codec/envelope-view.js';
import { bytesEqual } from '../crypto/bytes.js';
import type { Logger } from '../runtime/log.js';
import { type Outbox, type OutboxEntry, tracingCodeOf } from './outbox.js';
import type { EnvelopeMaker } from './parts.js';
import type { SeqLock } from './seq-lock.js';
import type { StateFile } from './state.js';
import type { SiteCounters } from './status.js';

/** Default bound on re-makes of one reading, so a misconfigured site cannot loop. */
export const DEFAULT_MAX_REMAKES = 3;

export interface RemakerDeps {
  outbox: Outbox;
  state: StateFile;
  maker: EnvelopeMaker;
  /** Shared with the sealer: the two writers of sequence numbers take turns. */
  lock: SeqLock;
  counters: SiteCounters;
  log: Logger;
}

export type RemakeResult =
  /** Sealed again under `seq`; the new entry replaced the refused one in the outbox. */
  | { kind: 'remade'; seq: number }
  /** Cannot be re-made (no kept record, or the bound is reached): reject it as before. */
  | { kind: 'refused'; why: string };

/**
 * True when the refusal says another envelope with the same seq is only pending in a node's
 * mempool, not committed: that one may still be dropped and ours admitted, so ours must not be
 * re-made (both could commit); it is sent again later instead. The node's messages are the only
 * way to tell (api/ has one REPLAYED code): "sequence number N already pending" from admission,
 * "refused by the permission contract: SeqTooOld|SeqReplayed" from committed state.
 */
export function seqHeldByPending(message: string): boolean {
  return /already pending/i.test(message);
}

/**
 * Why a refused envelope may be re-made: its seq is spent, its signing key was rotated out, or its
 * block refused it when it executed.
 */
export type RemakeCause = 'replayed' | 'keyRotated' | 'refusedAtExecution';

/** The cause for re-making an envelope its block refused at execution for `reason`. */
export function executionRemakeCause(reason: string): RemakeCause {
  return reason === 'KeyRotated' ? 'keyRotated' : 'refusedAtExecution';
}

const REFUSALS: Record<RemakeCause, string> = {
  replayed: 'envelope refused as replayed',
  keyRotated: 'envelope refused as signed with a rotated-out key',
  refusedAtExecution: 'envelope refused when its block executed',
};

/** The cause for re-making an envelope the chain refused so, or undefined when it must be rejected. */
export function remakeCause(reason: string, message: string): RemakeCause | undefined {
  if (reason === ApiErrorCode.Replayed) return 'replayed';
  if (reason === ApiErrorCode.Unauthorized && /\bKeyRotated\b/.test(message)) return 'keyRotated';
  return undefined;
}

export class Remaker {
  constructor(
    private readonly deps: RemakerDeps,
    private readonly maxRemakes: number,
  ) {}

  /** Handles `entry`, refused by the chain (committed state) for `cause`, at `now`. */
  remake(entry: OutboxEntry, now: number, cause: RemakeCause = 'replayed'): Promise<RemakeResult> {
    return this.deps.lock.run(() => this.remakeLocked(entry, now, cause));
  }

  private async remakeLocked(entry: OutboxEntry, now: number, cause: RemakeCause): Promise<RemakeResult> {
    const { outbox, state, maker, counters, log } = this.deps;
    if (entry.record === undefined)
      return { kind: 'refused', why: 'entry written before records were kept; cannot be re-made' };
    const remakes = (entry.remakes ?? 0) + 1;
    if (remakes > this.maxRemakes)
      return { kind: 'refused', why: `already re-made ${this.maxRemakes} times` };
    const seq = state.get().nextSeq;
    const envelope = await maker.reseal(entry.record, seq, now);
    // Nothing written yet: a site still running with the rotated-out key would only be refused again.
    if (
      cause === 'keyRotated' &&
      bytesEqual(envelopeSignerKeyId(envelope), envelopeSignerKeyId(entry.envelope))
    )
      return {
        kind: 'refused',
        why: 'signed with a key the chain rotated out; restart with the new keystore',
      };
    const made: OutboxEntry = {
      ...entry,
      seq,
      tracingCode: tracingCodeOf(envelope),
      envelope,
      createdAt: now,
      remakes,
      replaces: entry.seq,
    };
    // The order the sealer uses: the entry is durable, then nextSeq (recover() repairs it from the
    // outbox should a crash fall in between); replace() writes the new file before deleting the old.
    outbox.replace(entry.seq, made);
    state.update({ nextSeq: seq + 1 });
    counters.add('remade');
    counters.set({ nextSeq: seq + 1 });
    log.warn(
      {
        oldSeq: entry.seq,
        newSeq: seq,
        oldTracingCode: entry.tracingCode,
        newTracingCode: made.tracingCode,
        period: new Date(entry.period).toISOString(),
        part: entry.part,
        remakes,
      },
      `${REFUSALS[cause]}; reading re-made under a new sequence number`,
    );
    return { kind: 'remade', seq };
  }
}
