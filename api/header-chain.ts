// Walks a chain of certified headers from genesis, trusting no node: each header must be the next
// height, of this chain, link to the previous header's hash (block 1 to the genesis hash, the chain
// ID), move time forward, name the validator set the provider says is in force, carry a quorum
// certificate of that set, and carry the root of the block-hash log built here from the hashes of
// every header before it. Pure: headers in, verdicts out; the caller fetches (cli/verify-chain.ts).
//
// Validator sets: `validators` is pluggable (ValidatorSource). A header names the set that
// certifies it only by hash; which set governance put in force at a height is contract state,
// which headers alone do not prove. `bkdms verify-chain` passes a light client's sets
// (api/light-client.ts: each change learned from a proof certified by the set before it);
// genesisValidators below holds the genesis set at every height, so a header after a change fails
// with WRONG_VALIDATOR_SET, which says so rather than accepting a set nothing vouches for.
import type { Hash32 } from '../codec/types.js';
import { bytesEqual, toHex } from '../crypto/bytes.js';
import { LogFrontier } from '../crypto/hash-log.js';
import { ApiError } from './errors.js';
import {
  refuse,
  type VerifiedHeader,
  verifyBlockHashAnswer,
  verifyCertifiedHeader,
} from './hash-log-verify.js';
import type { CertifiedHeaderBytes } from './types.js';
import type { ValidatorSource } from './verify.js';

export interface HeaderChainOptions {
  chainId: Hash32;
  validators: ValidatorSource;
  /** Genesis time (ms): block 1 must be later. Absent, block 1's time is not checked. */
  genesisTime?: number;
}

export interface HeaderFailure {
  height: number;
  /** A stable reason code: WRONG_HEIGHT, PARENT_MISMATCH, HASH_LOG_ROOT, NO_QUORUM, … */
  check: string;
  message: string;
}

export type HeaderVerdict = { ok: true; verified: VerifiedHeader } | { ok: false; failure: HeaderFailure };

export class HeaderChainVerifier {
  private parentHash: Hash32;
  private parentTime: number | undefined;
  private next = 1;
  private failed: HeaderFailure | undefined;
  /** The block-hash log over blocks 0..height (leaf 0 the genesis hash). */
  private log = LogFrontier.empty();

  constructor(private readonly opts: HeaderChainOptions) {
    this.parentHash = opts.chainId;
    this.parentTime = opts.genesisTime;
    this.log.append(opts.chainId);
  }

  /**
   * A walk that starts after certified header `anchor` (height a) instead of genesis: the anchor is
   * checked alone (certificate of the set in force), and `parentProof`, the inclusion proof of its
   * parent's hash as the last leaf of its own log (GetBlockHashProof(a - 1, a)), gives the log's
   * frontier: the path of a tree's last leaf is exactly the perfect subtrees left of it. Headers
   * below the anchor are not walked; everything from a + 1 on is checked as from genesis.
   */
  static anchored(
    opts: HeaderChainOptions,
    anchor: CertifiedHeaderBytes,
    parentProof: Uint8Array,
  ): HeaderChainVerifier {
    const v = verifyCertifiedHeader(anchor, opts.chainId, opts.validators);
    const { header } = v;
    const a = header.height;
    const p = verifyBlockHashAnswer(parentProof, a - 1, header.parentHash, header);
    const out = new HeaderChainVerifier(opts);
    out.log = LogFrontier.of(a - 1, [...p.path].reverse());
    out.log.append(header.parentHash);
    if (!bytesEqual(out.log.root(), header.hashLogRoot))
      throw refuse('anchor', 'HASH_LOG_ROOT', { height: a });
    out.log.append(v.blockHash);
    out.parentHash = v.blockHash;
    out.parentTime = header.time;
    out.next = a + 1;
    return out;
  }

  /**
   * A walk that starts at a state-sync base: a node that installed a snapshot at height b holds no
   * header below b. Certified header `base` is checked alone (certificate of the set in force at b,
   * which the caller learned from genesis), and `frontier`, the block-hash log over blocks 0..b as
   * its perfect-subtree hashes (largest first), is taken as given: the next header's push checks it,
   * since header b + 1 must carry its root and name `base` as its parent. Everything from b + 1 on
   * is checked as from genesis.
   */
  static fromBase(
    opts: HeaderChainOptions,
    base: CertifiedHeaderBytes,
    frontier: readonly Hash32[],
  ): HeaderChainVerifier {
    const v = verifyCertifiedHeader(base, opts.chainId, opts.validators);
    const b = v.header.height;
    const out = new HeaderChainVerifier(opts);
    try {
      out.log = LogFrontier.of(b + 1, frontier);
    } catch {
      throw refuse('base frontier', 'WRONG_SIZES', { height: b, subtrees: frontier.length });
    }
    out.parentHash = v.blockHash;
    out.parentTime = v.header.time;
    out.next = b + 1;
    return out;
  }

  /** Height of the last header verified (0 before the first). */
  get height(): number {
    return this.next - 1;
  }

  /** Hash of the last header verified (the chain ID before the first). */
  get tipHash(): Hash32 {
    return this.parentHash;
  }

  /** The first failure; once set, every later header is refused with it. */
  get failure(): HeaderFailure | undefined {
    return this.failed;
  }

  /** Root of the block-hash log over blocks 0..height: what the next header must carry. */
  logRoot(): Hash32 {
    return this.log.root();
  }

  /** Checks the next header; a failure is kept and stops the walk. */
  push(h: CertifiedHeaderBytes): HeaderVerdict {
    if (this.failed !== undefined) return { ok: false, failure: this.failed };
    const verdict = this.check(h);
    if (!verdict.ok) this.failed = verdict.failure;
    return verdict;
  }

  private check(h: CertifiedHeaderBytes): HeaderVerdict {
    const fail = (check: string, message: string): HeaderVerdict => ({
      ok: false,
      failure: { height: h.height, check, message },
    });
    if (h.height !== this.next) return fail('WRONG_HEIGHT', `expected height ${this.next}, got ${h.height}`);
    let v: VerifiedHeader;
    try {
      v = verifyCertifiedHeader(h, this.opts.chainId, this.opts.validators);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const check = String(err.meta.check ?? err.code);
      const why =
        check === 'WRONG_VALIDATOR_SET'
          ? 'the header names a validator set other than the one this verifier holds in force there (no proven change of the set leads to it)'
          : err.message;
      return fail(check, why);
    }
    const { header } = v;
    if (!bytesEqual(header.parentHash, this.parentHash))
      return fail(
        'PARENT_MISMATCH',
        `parent ${toHex(header.parentHash)} is not the previous header's hash ${toHex(this.parentHash)}`,
      );
    if (this.parentTime !== undefined && header.time <= this.parentTime)
      return fail('TIME_NOT_AFTER_PARENT', `time ${header.time} not after ${this.parentTime}`);
    const root = this.log.root();
    if (!bytesEqual(header.hashLogRoot, root))
      return fail(
        'HASH_LOG_ROOT',
        `block-hash log root ${toHex(header.hashLogRoot)} differs from ${toHex(root)}, the log of the ${this.log.size} block hashes before it`,
      );
    this.log.append(v.blockHash);
    this.parentHash = v.blockHash;
    this.parentTime = header.time;
    this.next++;
    return { ok: true, verified: v };
  }
}

/** The genesis validator set at every height: what a header-only verifier can vouch for. */
export function genesisValidators(keys: readonly Uint8Array[]): ValidatorSource {
  return () => keys;
}
