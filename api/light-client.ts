// A light-header client: it knows the validator set of every height it has followed to without
// trusting any node. It starts from a trust anchor (the chain ID and the genesis validator set) and
// learns each validator-set change from the validator schedule ("gov/validators", every
// {activateAt, set}) read with a state proof against a header certified by the set it already
// knows. A change therefore reaches it only vouched for by a certificate of the set before it.
//
// What a proof at header H tells: the state after H-1, which fixes the sets of every height up to
// H (a governance change executed at height c activates at c+2 at the earliest, ledger/governance.ts).
// Activations above H are pending and may still be replaced. The client verifies header H with the
// set its proven schedule names for H. To catch up across changes it never saw pending (it was
// away), it asks for the proof a node keeps of each change at activation A: the schedule against
// header A-1, certified by the set in force before A (GetState with `activation`, docs/rpc.md).
// `follow` walks every change the node names that way, oldest first, then reads the tip; a node
// that hides a change is caught at the first header certified by the hidden set (SCHEDULE_GAP).
import { toHex } from '../crypto/bytes.js';
import type { Scheduled } from '../ledger/records.js';
import { K } from '../ledger/records.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { scheduledAt, scheduleOf } from './state-values.js';
import type { StateAnswer, StateProofBytes } from './types.js';
import type { TrustAnchor } from './verify.js';
import { verifyStateAnswer } from './verify-state.js';

/** The check names of a light client's VERIFICATION_FAILED (meta.check). */
export enum LightClientCheck {
  /** A height above the last one the client has proven: sync first. */
  NotFollowed = 'NOT_FOLLOWED',
  /** The node's header names a set the proven schedule does not: a change the client never saw. */
  ScheduleGap = 'SCHEDULE_GAP',
  /** A proven schedule that rewrites sets of heights already proven: two histories, one is forged. */
  ScheduleConflict = 'SCHEDULE_CONFLICT',
  /** A change proof against another header than the one before the activation asked about. */
  WrongHeader = 'WRONG_HEADER',
}

/** What the client has learned, as persisted (hex keys, plain JSON). */
export interface LightClientState {
  chainId: string;
  /** The validator schedule as proven at header `provenAt`. */
  schedule: Scheduled<string[]>[];
  /** Sets are known for every height up to this one (0: only the genesis set, for height 1). */
  provenAt: number;
}

export interface LightClientStore {
  load(): LightClientState | undefined;
  save(state: LightClientState): void;
}

/** The one read the client needs from a node: a proven contract-state answer. */
export interface ProvenStateReader {
  getState(key: string, prove: boolean): Promise<StateAnswer>;
}

/** What following changes needs: the tip read plus the proofs nodes keep of each change. */
export interface ValidatorChangeReader extends ProvenStateReader {
  /** GetState("gov/validators", prove, activation): the schedule proven at header activation - 1. */
  getValidatorChange(activation: number): Promise<StateAnswer>;
}

/** At most this many changes are followed in one call (a node naming more is cut short). */
export const MAX_FOLLOWED_CHANGES = 4096;

// Without Buffer: the web console runs this client in the browser (console/web/follow-validators.ts).
const hex = toHex;
const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

function refuse(check: LightClientCheck, detail: string, meta: Record<string, number> = {}): ApiError {
  return new ApiError(ApiErrorCode.VerificationFailed, `light client: ${check}: ${detail}`, {
    check,
    ...meta,
  });
}

function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

export class LightClient {
  private state: LightClientState;

  /**
   * `anchor`: the chain ID and genesis validator set, from the caller's own genesis file or pinned
   * values. A stored state is used only when it is of the same chain and starts from the same set.
   */
  constructor(
    anchor: { chainId: Uint8Array; validators: readonly Uint8Array[] },
    private readonly store?: LightClientStore,
  ) {
    const genesis: LightClientState = {
      chainId: hex(anchor.chainId),
      schedule: [{ activateAt: 0, value: anchor.validators.map(hex) }],
      provenAt: 1,
    };
    const saved = store?.load();
    this.state =
      saved !== undefined &&
      saved.chainId === genesis.chainId &&
      sameSet(scheduledAt(saved.schedule, 0), genesis.schedule[0]!.value) &&
      saved.provenAt >= 1
        ? saved
        : genesis;
  }

  get chainId(): Uint8Array {
    return unhex(this.state.chainId);
  }

  /** The highest height whose validator set is proven. */
  get provenHeight(): number {
    return this.state.provenAt;
  }

  /** The validator set in force at `height`; VERIFICATION_FAILED NOT_FOLLOWED above provenHeight. */
  validatorsAt(height: number): Uint8Array[] {
    if (height > this.state.provenAt)
      throw refuse(
        LightClientCheck.NotFollowed,
        `height ${height} is above the proven ${this.state.provenAt}`,
        {
          height,
          provenHeight: this.state.provenAt,
        },
      );
    return (scheduledAt(this.state.schedule, height) ?? []).map(unhex);
  }

  /**
   * The set the proven schedule names for `height`, pending activations included. Sound for
   * checking a certificate above provenHeight (a set nothing certified never gets in), but a change
   * the client has not seen yet makes it refuse a genuine header: then learnChange.
   */
  candidateAt(height: number): Uint8Array[] {
    return (scheduledAt(this.state.schedule, height) ?? []).map(unhex);
  }

  /** The anchor verifiers take: this chain, validators by height as far as proven. */
  trust(): TrustAnchor {
    return { chainId: this.chainId, validators: (h) => this.validatorsAt(h) };
  }

  /**
   * Checks a proven answer for "gov/validators" and, when its header is above what is proven,
   * learns the schedule it proves. Returns the proven height after it. Throws VERIFICATION_FAILED
   * when the answer does not verify (the node lied or sent no proof).
   */
  accept(proof: StateProofBytes | null | undefined, headerHeight?: number): number {
    const known = this.state.schedule;
    // Verified with the sets the proven schedule names, pending activations included: each was
    // proven by a certificate of the set in force when it was read.
    const candidate: TrustAnchor = {
      chainId: this.chainId,
      validators: (h) => (scheduledAt(known, h) ?? []).map(unhex),
    };
    let proven: ReturnType<typeof verifyStateAnswer>;
    try {
      proven = verifyStateAnswer(proof, [K.validators], candidate);
    } catch (err) {
      if (err instanceof ApiError && err.meta.check === 'WRONG_VALIDATOR_SET')
        throw refuse(LightClientCheck.ScheduleGap, `${err.message}; pin a newer trust anchor`);
      throw err;
    }
    const h = proven.header.height;
    if (headerHeight !== undefined && h !== headerHeight)
      throw refuse(LightClientCheck.WrongHeader, `asked for the proof at ${headerHeight}, got ${h}`, {
        height: h,
      });
    if (h <= this.state.provenAt) return this.state.provenAt;
    const next = scheduleOf<string[]>(proven.entries[0] ?? []);
    // Every height already proven keeps its set, and the header's own set is the one it names.
    const provenAt = this.state.provenAt;
    const checked = [...known, ...next].map((e) => e.activateAt).filter((s) => s <= provenAt);
    for (const s of [...checked, provenAt, h])
      if (!sameSet(scheduledAt(next, s), scheduledAt(known, s)))
        throw refuse(LightClientCheck.ScheduleConflict, `the proven schedule changes the set at ${s}`, {
          height: s,
        });
    this.state = { chainId: this.state.chainId, schedule: next, provenAt: h };
    this.store?.save(this.state);
    return h;
  }

  /** Reads the validator schedule from `node` with a proof and learns from it; see accept. */
  async sync(node: ProvenStateReader): Promise<number> {
    return this.accept((await node.getState(K.validators, true)).proof);
  }

  /** Learns the change activating at `activation` from the proof `node` kept of it (header activation - 1). */
  async learnChange(node: ValidatorChangeReader, activation: number): Promise<number> {
    if (activation - 1 <= this.state.provenAt) return this.state.provenAt;
    return this.accept((await node.getValidatorChange(activation)).proof, activation - 1);
  }

  /**
   * Catches up to `node`'s tip across validator-set changes: every change the node names (its
   * unproven schedule only says where to look) is learned from its kept proof, oldest first, then
   * the tip's schedule. Returns the proven height. A proof that does not verify, or a change the
   * node left out, is VERIFICATION_FAILED; a node that kept no proof of a change is NOT_FOUND.
   */
  async follow(node: ValidatorChangeReader): Promise<number> {
    await this.followTo(node, Number.MAX_SAFE_INTEGER);
    return this.sync(node);
  }

  /** Learns every change the node names whose proving header is at or below `height`; no tip read. */
  async followTo(node: ValidatorChangeReader, height: number): Promise<number> {
    const named = await node.getState(K.validators, false);
    const changes = scheduleOf<string[]>(named.entries)
      .map((e) => e.activateAt)
      .filter((a) => a - 1 > this.state.provenAt && a - 1 <= Math.min(named.height, height))
      .sort((a, b) => a - b)
      .slice(0, MAX_FOLLOWED_CHANGES);
    for (const a of changes) await this.learnChange(node, a);
    return this.state.provenAt;
  }

  /** `read` with this client's trust; above what it proved (NOT_FOLLOWED): follow `node` once, read again. */
  async withFollow<T>(node: ValidatorChangeReader, read: (trust: TrustAnchor) => Promise<T>): Promise<T> {
    try {
      return await read(this.trust());
    } catch (err) {
      if (!(err instanceof ApiError) || err.meta.check !== LightClientCheck.NotFollowed) throw err;
      await this.follow(node);
      return await read(this.trust());
    }
  }
}
