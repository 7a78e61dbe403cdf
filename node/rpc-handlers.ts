// The node's side of the RPC contract (api/handlers.ts): uploads go through admission, reads go
// to the store and the contracts. Arguments were validated by api/validate.ts already; what is
// left to refuse here is what only the node knows (unknown codes, heights above the tip, kinds).
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { CallContext, NodeApi } from '../api/handlers.js';
import { absentSite, parseJson, scpKeysOf, siteInfoOf } from '../api/state-values.js';
import {
  type BlockEvent,
  type CityQuery,
  type HeadersPage,
  type HeadersQuery,
  type NodeStatus,
  type QueryItem,
  type QueryPage,
  ReceiptState,
  type ReceiptView,
  type ScpKeyDirectory,
  type SiteInfo,
  type SiteQuery,
  type StateAnswer,
  SyncState,
  type TraceBundleBytes,
  type UploadResult,
} from '../api/types.js';
import { decodeBlockHeader } from '../codec/block.js';
import { decodeStateProof, type StateProof } from '../codec/state-proof.js';
import { EnvelopeKind, type KeyId } from '../codec/types.js';
import type { Contracts } from '../ledger/contracts.js';
import { K, type SeqRecord, type SiteRecord } from '../ledger/records.js';
import { seqWindow } from '../ledger/registry.js';
import type { Logger } from '../runtime/log.js';
import { type Admission, hex } from './admission/admission.js';
import { auditGovernance, auditUploads } from './admission/audit.js';
import type { RecentRefusals } from './admission/evictions.js';
import { executionResult } from './admission/execution-result.js';
import type { BlockNotifier } from './chain/block-notifier.js';
import type { Mempool } from './chain/mempool.js';
import { NodeError, NodeErrorCode } from './errors.js';
import type { Followers } from './followers.js';
import { blockHashProof, consistencyProof, headersPage } from './hash-log-rpc.js';
import type { ProvenState } from './proven-state.js';
import type { QueryCursors } from './query-cursors.js';
import { entriesFor, StateReads } from './state-reads.js';
import type { Page, Store, TraceRef } from './store/index.js';
import { StoreError, StoreErrorCode } from './store/index.js';
import { validatorChangeProof } from './validator-proofs.js';

export interface RpcDeps {
  admission: Admission;
  store: Store;
  contracts: Contracts;
  /** The state the newest certified header commits to (PersistedLedger.proven). */
  proven: ProvenState;
  mempool: Mempool;
  /** Envelopes this node admitted, then evicted as never applicable: their receipt is that refusal. */
  refusals?: RecentRefusals;
  notifier: BlockNotifier;
  /** Authenticates the cursors queries hand out and take back. */
  cursors: QueryCursors;
  status(): Pick<NodeStatus, 'chainId' | 'view' | 'primary' | 'validators' | 'peers' | 'selfIndex'> & {
    catchingUp: boolean;
  };
  isReady(): boolean;
  /** The audit stream: refused uploads and governance submissions, with the caller's address. */
  audit?: Logger;
  /** Where open block subscriptions are (a hold on pruning). */
  followers?: Followers;
}

const notFound = (what: string): NodeError => new NodeError(NodeErrorCode.NotFound, what);
/** The exact query a cursor is issued for: a cursor of one query is refused by any other. */
const siteScope = (q: SiteQuery): string => `site/${hex(q.siteKeyId)}/${q.fromTime}/${q.toTime}`;
const cityScope = (q: CityQuery): string =>
  `city/${q.country}/${q.city.scheme}/${q.city.code}/${q.kpiCode}/${q.fromTime}/${q.toTime}`;
/** The API's time ranges include `toTime`; the store's end is exclusive (and open at MAX_SAFE_INTEGER). */
const storeEnd = (toTime: number): number => Math.min(toTime + 1, Number.MAX_SAFE_INTEGER);

export class RpcHandlers implements NodeApi {
  private readonly reads: StateReads;

  constructor(private readonly d: RpcDeps) {
    this.reads = new StateReads(d);
  }

  async uploadBatch(envelopes: Uint8Array[], ctx: CallContext): Promise<UploadResult[]> {
    // The envelopes are views of the call's message buffer, not copies, and the mempool keeps them
    // so: an admitted envelope pins its whole request (at most the receive cap) until the last of
    // its envelopes commits or is evicted, which for a batch that commits together is the time
    // the copies would have lived. Safe because grpc-js assembles every message in a buffer of its
    // own (or a slice of Node's pool, never handed out twice) and nothing writes into it after.
    this.ensureReady();
    const results = await this.d.admission.admit(envelopes, EnvelopeKind.KpiUpload);
    if (this.d.audit) auditUploads(this.d.audit, ctx.peer, results);
    return results;
  }

  async submitGovernance(envelope: Uint8Array, ctx: CallContext): Promise<UploadResult> {
    this.ensureReady();
    const [r] = await this.d.admission.admit([envelope], EnvelopeKind.ContractCall);
    if (this.d.audit) auditGovernance(this.d.audit, ctx.peer, r!);
    return r!;
  }

  async getStatus(): Promise<NodeStatus> {
    const s = this.d.status();
    const tip = this.d.store.tip();
    return {
      chainId: s.chainId,
      view: s.view,
      primary: s.primary,
      validators: s.validators,
      peers: s.peers,
      selfIndex: s.selfIndex,
      syncState: s.catchingUp ? SyncState.CatchingUp : SyncState.Synced,
      height: tip?.height ?? 0,
      lastBlockHash: tip?.hash ?? s.chainId,
      mempoolEnvelopes: this.d.mempool.size,
      mempoolBytes: this.d.mempool.byteSize,
      earliestHeight: this.d.store.earliestHeight(),
    };
  }

  async trace(tracingCode: Uint8Array): Promise<TraceBundleBytes> {
    const found = await this.d.store.findEnvelope(tracingCode);
    if (found === undefined) {
      // A node that joined by state sync never indexed envelopes below its base: PRUNED, not unknown.
      if (this.d.store.base() > 0) await this.d.store.traceBundle(tracingCode);
      throw notFound('tracing code not committed');
    }
    const b = await this.d.store.traceBundle(tracingCode);
    return {
      envelope: b.envelope,
      header: b.blockHeader,
      leafIndex: b.index,
      proof: b.proof,
      certificate: b.certificate,
      height: found.data.height,
    };
  }

  async getReceipt(tracingCode: Uint8Array): Promise<ReceiptView> {
    if (this.d.mempool.has(hex(tracingCode)))
      return { tracingCode, state: ReceiptState.Pending, height: 0, index: 0, result: '', blockTime: 0 };
    // Applied or rejected at execution, the envelope was committed in a block: its receipt says
    // which, and `result` names the reason of a rejection.
    const r = await this.d.store.receipt(tracingCode);
    if (r === undefined) {
      // Admitted once, then evicted: no block will ever hold it (a second envelope spent its
      // sequence number), so say so rather than NOT_FOUND, which a client would answer by re-sending.
      const refused = this.d.refusals?.get(hex(tracingCode));
      if (refused !== undefined) throw new NodeError(refused.code, refused.message);
      throw notFound('tracing code neither pending nor committed');
    }
    const header = await this.d.store.getHeader(r.height);
    return {
      tracingCode,
      state: ReceiptState.Committed,
      height: r.height,
      index: r.index,
      result: executionResult(r),
      blockTime: decodeBlockHeader(header).time,
    };
  }

  async queryBySite(q: SiteQuery): Promise<QueryPage> {
    const site = this.d.contracts.site(q.siteKeyId);
    if (site === undefined) throw notFound('unknown site key ID');
    return this.page(q, siteScope(q), (opts) =>
      this.d.store.bySite(site.siteId, q.fromTime, storeEnd(q.toTime), opts),
    );
  }

  async queryByCity(q: CityQuery): Promise<QueryPage> {
    return this.page(q, cityScope(q), (opts) =>
      this.d.store.byCityKpi(q.country, q.city, q.kpiCode, q.fromTime, storeEnd(q.toTime), opts),
    );
  }

  async getBlock(height: number): Promise<Uint8Array> {
    const tip = this.d.store.tip()?.height ?? 0;
    if (height < 1 || height > tip) throw notFound(`no block at height ${height} (tip ${tip})`);
    return this.d.store.getBlock(height);
  }

  async *subscribeBlocks(fromHeight: number, signal: AbortSignal): AsyncIterable<BlockEvent> {
    let next = Math.max(1, fromHeight);
    // Refused before the stream registers as a follower: a subscriber below the earliest body (a
    // pruned node, or one that joined by state sync) learns at once where this node's blocks start.
    const earliest = this.d.store.earliestHeight();
    if (next < earliest) {
      const base = this.d.store.base();
      throw new StoreError(
        StoreErrorCode.Pruned,
        `blocks below height ${earliest} are not held by this node (${base > 0 ? `it joined by state sync at ${base}` : 'pruned'}): subscribe from ${earliest}, or follow a node that keeps them`,
        { height: next, prunedBelow: earliest, base },
      );
    }
    const following = this.d.followers?.follow(next);
    try {
      while (!signal.aborted) {
        const tip = this.d.store.tip()?.height ?? 0;
        if (next > tip) {
          if (!(await this.d.notifier.waitAbove(tip, signal))) return;
          continue;
        }
        // Below the earliest body this answers PRUNED: the follower asks a node that keeps it.
        yield { height: next, certifiedBlock: await this.d.store.getBlock(next) };
        next++;
        if (following !== undefined) following.height = next;
      }
    } finally {
      following?.close();
    }
  }

  async getScpKeys(prove = false): Promise<ScpKeyDirectory> {
    if (prove) {
      const a = await this.reads.prove([K.scpPrefix]);
      const keys = scpKeysOf(entriesFor(K.scpPrefix, a.buckets[0] as StateProof));
      return { keys, height: a.height, proof: a.proof };
    }
    const keys = this.d.contracts
      .scpKeys()
      .filter((k) => !k.retired)
      .map(({ keyId, publicKey, notBefore, notAfter }) => ({ keyId, publicKey, notBefore, notAfter }));
    return { keys, height: this.d.store.tip()?.height ?? 0 };
  }

  async getSite(siteKeyId: KeyId, prove = false): Promise<SiteInfo> {
    const signer = hex(siteKeyId);
    if (prove) {
      // An unknown site is answered, not refused: the proof shows its absence (key_id empty).
      const a = await this.reads.prove([K.site(signer), K.seq(signer)]);
      const [site] = entriesFor(K.site(signer), a.buckets[0] as StateProof);
      const [seq] = entriesFor(K.seq(signer), a.buckets[1] as StateProof);
      const committed = seq === undefined ? 0 : parseJson<SeqRecord>(seq.value).hwm;
      const info =
        site === undefined ? absentSite() : siteInfoOf(siteKeyId, parseJson<SiteRecord>(site.value));
      return {
        ...info,
        lastCommittedSeq: committed,
        lastPendingSeq: this.pendingSeq(signer, committed),
        proof: a.proof,
      };
    }
    const site = this.d.contracts.site(siteKeyId);
    if (site === undefined) throw notFound('unknown site key ID');
    const committed = seqWindow(this.d.contracts.state, signer).hwm;
    return { ...site, lastCommittedSeq: committed, lastPendingSeq: this.pendingSeq(signer, committed) };
  }

  async getState(key: string, prove: boolean, activation = 0): Promise<StateAnswer> {
    if (activation !== 0) {
      const proof = await validatorChangeProof(this.d.store, activation);
      const entries = entriesFor(key, decodeStateProof(proof.buckets[0]!));
      return { entries, height: activation - 2, proof };
    }
    if (!prove) return { entries: this.reads.current(key), height: this.d.store.tip()?.height ?? 0 };
    const a = await this.reads.prove([key]);
    return { entries: entriesFor(key, a.buckets[0] as StateProof), height: a.height, proof: a.proof };
  }

  private pendingSeq(signer: string, committed: number): number {
    let pending = committed;
    for (const e of this.d.mempool.values()) if (e.signer === signer && e.seq > pending) pending = e.seq;
    return pending;
  }

  getHeaders(q: HeadersQuery): Promise<HeadersPage> {
    return headersPage(this.d.store, q);
  }

  getConsistencyProof(first: number, second: number): Promise<Uint8Array> {
    return consistencyProof(this.d.store, first, second);
  }

  getBlockHashProof(height: number, at: number): Promise<Uint8Array> {
    return blockHashProof(this.d.store, height, at);
  }

  /**
   * One page of a query. The cursor must be one this node issued for `scope` (BAD_CURSOR otherwise);
   * the store's own refusal of it (BAD_QUERY) is BAD_CURSOR too.
   */
  private async page(
    q: { pageSize: number; cursor: Uint8Array },
    scope: string,
    query: (opts: { limit?: number; cursor?: string }) => Promise<Page<TraceRef>>,
  ): Promise<QueryPage> {
    const cursor = this.d.cursors.open(scope, q.cursor);
    let page: Page<TraceRef>;
    try {
      page = await query({ limit: q.pageSize === 0 ? undefined : q.pageSize, cursor });
    } catch (err) {
      // api/validate.ts checked the range and the page size: with a cursor given, it is what the store refused.
      if (cursor !== undefined && err instanceof StoreError && err.code === StoreErrorCode.BadQuery)
        throw new ApiError(ApiErrorCode.BadCursor, 'cursor not issued for this query', { field: 'cursor' });
      throw err;
    }
    return this.items(page, scope);
  }

  private async items(page: Page<TraceRef>, scope: string): Promise<QueryPage> {
    const items: QueryItem[] = [];
    for (const ref of page.items) {
      const found = await this.d.store.findEnvelope(ref.tracingCode);
      if (found === undefined) continue;
      items.push({
        tracingCode: ref.tracingCode,
        time: ref.time,
        height: found.data.height,
        index: found.data.index,
        envelope: found.envelope,
      });
    }
    return { items, nextCursor: this.d.cursors.seal(scope, page.cursor) };
  }

  private ensureReady(): void {
    if (!this.d.isReady()) throw new NodeError(NodeErrorCode.NotReady, 'node is starting or stopping');
  }
}
