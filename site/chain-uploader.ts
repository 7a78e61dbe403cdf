// Adapts api/'s gRPC client to the site's small Uploader and ScpKeySource interfaces, trusting no
// single node. The chain ID comes from the site's own trust anchor; the SCP key directory and the
// site's registration are used only with a state proof that verifies against a header certified by
// the validator set the light client (api/light-client.ts) has proven; an envelope counts as
// committed (and leaves the outbox) only with its trace: inclusion proof plus the block's 2f+1
// certificate. An answer that does not verify is reported (node-reports.ts) and the next node is
// asked. What a node is still trusted with is listed in docs/site.md ("What a site trusts").
import type { BkdmsClient } from '../api/client.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { LightClient } from '../api/light-client.js';
import { LightClientCheck } from '../api/light-client.js';
import { isRetriable } from '../api/retry.js';
import { ReceiptState, type UploadResult, UploadStatus } from '../api/types.js';
import type { TrustAnchor } from '../api/verify.js';
import { tracingCode } from '../crypto/hash.js';
import { Reason } from '../ledger/reasons.js';
import { checkSeq } from '../ledger/seq-window.js';
import type { ChainCache } from './chain-cache.js';
import type { NodeReports } from './node-reports.js';
import type { ScpKey, ScpKeySource } from './seal-keys.js';
import type { ReceiptOutcome, Uploader, UploadOutcome } from './uploader.js';

export function toOutcome(r: UploadResult): UploadOutcome {
  switch (r.status) {
    case UploadStatus.Accepted:
    case UploadStatus.AlreadyPending:
      return { kind: 'admitted' };
    case UploadStatus.AlreadyCommitted:
      // `reason` carries what its block recorded: '' applied, else why it was refused at execution.
      return r.reason === '' ? { kind: 'committed' } : { kind: 'refused', reason: r.reason };
    default: {
      // Ahead of the node's clock by more than the chain allows: this site's clock runs fast. The
      // envelope is admissible once the nodes' clocks reach its time, so it is kept and sent again
      // after the backoff rather than given up (its bytes, time included, cannot change).
      const transient =
        r.reason === ApiErrorCode.TimeInFuture ||
        isRetriable(new ApiError(r.reason as ApiErrorCode, r.message));
      return transient
        ? { kind: 'retry', reason: r.reason, retryAfterMs: r.retryAfterMs }
        : { kind: 'rejected', reason: r.reason, message: r.message };
    }
  }
}

/** One node the site talks to: its address names it in reports. */
export interface ChainNode {
  name: string;
  client: BkdmsClient;
}

/**
 * How far below the newest proven header the site has seen a proven answer may be: a node may lag a
 * few blocks, but one replaying an old proof (a retired SCP key still listed) is refused.
 */
export const MAX_STALE_BLOCKS = 64;

/** The proven sequence number plus at most this much of a node's unproven mempool view raises the floor. */
export const MAX_PENDING_AHEAD = 1024;

function verificationCheck(err: unknown): string | undefined {
  return err instanceof ApiError && err.code === ApiErrorCode.VerificationFailed
    ? String(err.meta.check ?? 'VERIFICATION_FAILED')
    : undefined;
}

/**
 * The chain as the site sees it, over one or more nodes: a call that fails, or an answer that does
 * not verify, moves on to the next node, so one node down or lying does not stop the site.
 */
export class ChainUploader implements Uploader, ScpKeySource {
  private at = 0;
  private newestProven = 0;
  /** The last verified() round failed with NOT_READY from every node. */
  private allNotReady = false;

  constructor(
    private readonly nodes: ChainNode[],
    private readonly siteKeyId: Uint8Array,
    /** What was last proven from the chain, for when it cannot be reached (chain-cache.ts). */
    private readonly cache: ChainCache,
    /** The validator sets by height, followed from the site's trust anchor. */
    private readonly light: LightClient,
    private readonly reports: NodeReports,
    /** The SCP keys of the genesis file: the directory before any block has committed. */
    private readonly genesisScpKeys?: ScpKey[],
  ) {}

  /**
   * Before the first block no state proof exists (every node answers NOT_READY): the genesis
   * state is the chain's, and the site knows it from its own anchor. Only while the site has
   * never seen a proven header and every node it asked said so (one honest node ends it).
   */
  private beforeFirstBlock(err: unknown): boolean {
    return (
      err instanceof ApiError &&
      err.code === ApiErrorCode.NotReady &&
      this.allNotReady &&
      this.newestProven === 0 &&
      this.light.provenHeight <= 1
    );
  }

  async uploadBatch(envelopes: Uint8Array[]): Promise<UploadOutcome[]> {
    return this.use(async (node) => {
      const outcomes = (await node.client.uploadBatch(envelopes)).map(toOutcome);
      // "Already committed" ends an envelope's life in the outbox: only with its trace. Otherwise
      // it is taken as admitted, and the receipt poll asks again (another node, after a report).
      for (let i = 0; i < outcomes.length; i++) {
        const o = outcomes[i]!;
        if (o.kind !== 'committed' && o.kind !== 'refused') continue;
        const code = envelopes[i] === undefined ? undefined : await this.provenTrace(node, envelopes[i]!);
        if (code === undefined) outcomes[i] = { kind: 'admitted' };
      }
      return outcomes;
    });
  }

  /**
   * Where the chain stands on one envelope. "Committed" and "refused at execution" need the
   * envelope's verified trace; "replayed" needs the proven replay window to show `seq` spent. A
   * claim without its proof reads as pending (the entry stays) and the node is reported.
   */
  receipt(tracingCode: string, seq?: number): Promise<ReceiptOutcome> {
    return this.use(async (node) => {
      const code = Buffer.from(tracingCode, 'hex');
      let r: Awaited<ReturnType<BkdmsClient['getReceipt']>>;
      try {
        r = await node.client.getReceipt(code);
      } catch (err) {
        if (err instanceof ApiError && err.code === ApiErrorCode.NotFound) return { kind: 'unknown' };
        // The node admitted it, then evicted it: another envelope spent its sequence number.
        if (err instanceof ApiError && err.code === ApiErrorCode.Replayed)
          return (await this.seqSpent(node, seq))
            ? { kind: 'replayed', message: err.message }
            : this.unproven(node, 'receipt', 'UNPROVEN_REPLAY');
        throw err;
      }
      if (r.state !== ReceiptState.Committed) return { kind: 'pending' };
      const height = await this.traceHeight(node, code);
      if (height === undefined) return { kind: 'pending' };
      return r.result === '' ? { kind: 'committed', height } : { kind: 'refused', reason: r.result };
    });
  }

  /** The SCP key directory, proven; the last proven one when no node answers with a valid proof. */
  async scpKeys(): Promise<ScpKey[]> {
    try {
      const keys = await this.verified('scpKeys', async (c, trust) => {
        const v = await c.getScpKeysVerified(trust);
        this.fresh(v.header.height);
        return v.keys;
      });
      this.cache.save({ scpKeys: keys });
      return keys;
    } catch (err) {
      const cached = this.cache.scpKeys();
      if (cached !== undefined) return cached;
      if (this.genesisScpKeys !== undefined && this.beforeFirstBlock(err)) {
        // As trusted as the anchor (the site's own genesis file): kept for a restart offline.
        this.cache.save({ scpKeys: this.genesisScpKeys });
        return this.genesisScpKeys;
      }
      throw err;
    }
  }

  /** The chain ID envelopes are bound to: the trust anchor's, never a node's. */
  async chainId(): Promise<Uint8Array> {
    return this.light.chainId;
  }

  /**
   * Reads the site's proven registration: remembers its allowed KPI codes (readings for others are
   * dropped as NOT_ALLOWED instead of getting a whole envelope refused) and returns the lowest
   * sequence number to use: one past the proven committed one, raised by the node's unproven
   * mempool view by at most MAX_PENDING_AHEAD (so a restarted site whose data folder was lost
   * does not collide with its own pending envelopes, and a lying node cannot push it out of range).
   */
  async seqFloor(): Promise<number> {
    let v: Awaited<ReturnType<BkdmsClient['getSiteVerified']>>;
    try {
      v = await this.verified('site', async (c, trust) => {
        const s = await c.getSiteVerified(this.siteKeyId, trust);
        this.fresh(s.header.height);
        return s;
      });
    } catch (err) {
      // Nothing of this site has committed before the first block.
      if (this.beforeFirstBlock(err)) return 1;
      throw err;
    }
    if (v.site === undefined)
      throw new ApiError(ApiErrorCode.NotFound, 'this site is not registered (proven)');
    this.cache.save({ kpiCodes: v.site.kpiCodes });
    const pending = Math.min(
      Math.max(v.unprovenPendingSeq, v.lastCommittedSeq),
      v.lastCommittedSeq + MAX_PENDING_AHEAD,
    );
    return pending + 1;
  }

  /** KPI codes the site is registered for, as last proven (undefined before the first read). */
  allowedCodes(): ReadonlySet<number> | undefined {
    return this.cache.kpiCodes();
  }

  close(): void {
    for (const n of this.nodes) n.client.close();
  }

  /** A node answered a claim without its proof: reported, and its answer is "pending". */
  private unproven(node: ChainNode, what: string, check: string): ReceiptOutcome {
    this.reports.report(node.name, what, check);
    this.at++;
    return { kind: 'pending' };
  }

  /** The verified trace's block height, or undefined (reported) when the node cannot prove it. */
  private async traceHeight(node: ChainNode, code: Uint8Array): Promise<number | undefined> {
    try {
      return (await this.withLight(node, (c, trust) => c.traceVerified(code, trust))).header.height;
    } catch (err) {
      // A claim the node cannot back with its trace, or one that does not verify, is a lie or a
      // broken node: reported. A node that cannot answer now (not ready, down) is not.
      const check =
        verificationCheck(err) ??
        (err instanceof ApiError && err.code === ApiErrorCode.NotFound ? 'NO_TRACE' : undefined);
      if (check !== undefined) this.reports.report(node.name, 'receipt', check);
      this.at++;
      return undefined;
    }
  }

  private async provenTrace(node: ChainNode, envelope: Uint8Array): Promise<number | undefined> {
    return this.traceHeight(node, tracingCode(envelope));
  }

  /** True when the proven replay window shows `seq` spent: the envelope can never commit. */
  private async seqSpent(node: ChainNode, seq: number | undefined): Promise<boolean> {
    if (seq === undefined) return false;
    try {
      const s = await this.withLight(node, (c, trust) => c.getSiteVerified(this.siteKeyId, trust));
      return checkSeq(s.seqWindow, seq) !== Reason.None;
    } catch (err) {
      const check = verificationCheck(err);
      if (check !== undefined) this.reports.report(node.name, 'site', check);
      return false;
    }
  }

  private fresh(height: number): void {
    if (height + MAX_STALE_BLOCKS < this.newestProven)
      throw new ApiError(ApiErrorCode.VerificationFailed, `proof at ${height} is stale`, { check: 'STALE' });
    this.newestProven = Math.max(this.newestProven, height);
  }

  /**
   * `read` with the light client's trust; a header above what it proved: follow the node (every
   * validator-set change since, each proven by the set before it, then its tip), once.
   */
  private async withLight<T>(
    node: ChainNode,
    read: (c: BkdmsClient, trust: TrustAnchor) => Promise<T>,
  ): Promise<T> {
    try {
      return await read(node.client, this.light.trust());
    } catch (err) {
      if (verificationCheck(err) !== LightClientCheck.NotFollowed) throw err;
      this.newestProven = Math.max(this.newestProven, await this.light.follow(node.client));
      return await read(node.client, this.light.trust());
    }
  }

  /** A proven read from the first node whose answer verifies; the others are reported and skipped. */
  private async verified<T>(
    what: string,
    read: (c: BkdmsClient, trust: TrustAnchor) => Promise<T>,
  ): Promise<T> {
    let last: unknown;
    let notReady = 0;
    for (let tried = 0; tried < this.nodes.length; tried++) {
      const node = this.nodes[this.at % this.nodes.length]!;
      try {
        return await this.withLight(node, read);
      } catch (err) {
        last = err;
        if (err instanceof ApiError && err.code === ApiErrorCode.NotReady) notReady++;
        this.allNotReady = notReady === this.nodes.length;
        const check = verificationCheck(err);
        if (check !== undefined) this.reports.report(node.name, what, check, (err as Error).message);
        this.at++;
      }
    }
    throw last;
  }

  private async use<T>(fn: (node: ChainNode) => Promise<T>): Promise<T> {
    const node = this.nodes[this.at % this.nodes.length]!;
    try {
      return await fn(node);
    } catch (err) {
      // NOT_FOUND and refusals are answers, not node failures; anything else: try another node next.
      if (!(err instanceof ApiError) || err.code !== ApiErrorCode.NotFound) this.at++;
      throw err;
    }
  }
}
