// A NodeApi double for the api tests: canned answers, a chain of blocks in memory, hooks to make
// a method fail, and a record of what each handler received.
import { EventEmitter, on } from 'node:events';
import type { CallContext, NodeApi } from '../../../api/handlers.js';
import type {
  BlockEvent,
  CertifiedHeaderBytes,
  CityQuery,
  HeadersPage,
  HeadersQuery,
  NodeStatus,
  QueryPage,
  ReceiptView,
  ScpKeyDirectory,
  SiteInfo,
  SiteQuery,
  StateAnswer,
  TraceBundleBytes,
  UploadResult,
} from '../../../api/types.js';
import { ReceiptState, SyncState, UploadStatus } from '../../../api/types.js';
import { CityScheme } from '../../../codec/types.js';

export const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

export const status: NodeStatus = {
  chainId: bytes(32, 1),
  height: 7,
  view: 2,
  primary: 1,
  validators: [bytes(32, 10), bytes(32, 11), bytes(32, 12), bytes(32, 13)],
  peers: ['12D3KooWA', '12D3KooWB'],
  syncState: SyncState.Synced,
  lastBlockHash: bytes(32, 9),
  mempoolEnvelopes: 3,
  mempoolBytes: 4096,
  selfIndex: -1,
  earliestHeight: 1,
};

export const accepted = (env: Uint8Array): UploadResult => ({
  status: UploadStatus.Accepted,
  tracingCode: bytes(32, env[0] ?? 0),
  reason: '',
  message: '',
  retryAfterMs: 0,
});

export class FakeNode implements NodeApi {
  readonly seen: { method: string; arg: unknown }[] = [];
  /** Next answers of uploadBatch, consumed first; then every envelope is accepted. */
  readonly batchScript: (() => Promise<UploadResult[]>)[] = [];
  /** When set, every unary method except uploadBatch throws it. */
  failWith: unknown;
  /** Blocks by height (1-based); subscribers see pushes. */
  readonly blocks: BlockEvent[] = [];
  private readonly pushed = new EventEmitter();
  /** Per subscription: throw this after yielding so many blocks (once). */
  breakAfter: { count: number; error: unknown } | undefined;
  /** Headers served by getHeaders (height h at index h - 1) and the proofs the two proof calls answer. */
  readonly headers: CertifiedHeaderBytes[] = [];
  consistency: (first: number, second: number) => Uint8Array = () => bytes(3, 2);
  inclusion: (height: number, at: number) => Uint8Array = () => bytes(3, 1);
  /** Signals of subscriptions, to see that a cancelled call aborted its iterator. */
  readonly subscriptions: { from: number; signal: AbortSignal }[] = [];

  /** Appends a block of `size` bytes (default 100 + height), filled with its height. */
  pushBlock(size?: number): BlockEvent {
    const height = this.blocks.length + 1;
    const ev = { height, certifiedBlock: bytes(size ?? 100 + height, height) };
    this.blocks.push(ev);
    this.pushed.emit('block', ev);
    return ev;
  }

  private answer<T>(method: string, arg: unknown, value: T): Promise<T> {
    this.seen.push({ method, arg });
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    return Promise.resolve(value);
  }

  uploadBatch(envelopes: Uint8Array[], ctx: CallContext): Promise<UploadResult[]> {
    this.seen.push({ method: 'uploadBatch', arg: { envelopes, peer: ctx.peer } });
    const next = this.batchScript.shift();
    return next ? next() : Promise.resolve(envelopes.map(accepted));
  }
  submitGovernance(envelope: Uint8Array): Promise<UploadResult> {
    return this.answer('submitGovernance', envelope, accepted(envelope));
  }
  getStatus(): Promise<NodeStatus> {
    return this.answer('getStatus', undefined, status);
  }
  trace(tracingCode: Uint8Array): Promise<TraceBundleBytes> {
    return this.answer('trace', tracingCode, {
      envelope: bytes(50, 1),
      header: bytes(191, 2),
      leafIndex: 5,
      proof: [bytes(32, 3), bytes(32, 4)],
      certificate: bytes(200, 5),
      height: 4,
    });
  }
  getReceipt(tracingCode: Uint8Array): Promise<ReceiptView> {
    return this.answer('getReceipt', tracingCode, {
      tracingCode,
      state: ReceiptState.Committed,
      height: 4,
      index: 5,
      result: '',
      blockTime: 1_700_000_000_000,
    });
  }
  queryBySite(q: SiteQuery): Promise<QueryPage> {
    return this.answer('queryBySite', q, {
      items: [{ tracingCode: bytes(32, 7), height: 3, index: 0, time: q.fromTime, envelope: bytes(60, 8) }],
      nextCursor: bytes(8, 1),
    });
  }
  queryByCity(q: CityQuery): Promise<QueryPage> {
    return this.answer('queryByCity', q, { items: [], nextCursor: new Uint8Array(0) });
  }
  getBlock(height: number): Promise<Uint8Array> {
    const b = this.blocks[height - 1];
    if (!b) return Promise.reject(Object.assign(new Error('NOT_FOUND: no block'), { code: 'NOT_FOUND' }));
    return this.answer('getBlock', height, b.certifiedBlock);
  }
  getScpKeys(): Promise<ScpKeyDirectory> {
    return this.answer('getScpKeys', undefined, {
      keys: [{ keyId: bytes(16, 2), publicKey: bytes(32, 3), notBefore: 1, notAfter: 2 ** 40 }],
      height: 7,
    });
  }
  getState(key: string, prove: boolean): Promise<StateAnswer> {
    return this.answer('getState', { key, prove }, { entries: [], height: 7 });
  }
  getSite(siteKeyId: Uint8Array): Promise<SiteInfo> {
    return this.answer('getSite', siteKeyId, {
      keyId: siteKeyId,
      publicKey: bytes(32, 4),
      country: 156,
      city: { scheme: CityScheme.UnLocode, code: 'CNSHA' },
      siteId: bytes(16, 5),
      kpiCodes: [1, 7, 300],
      status: 1,
      lastCommittedSeq: 41,
      lastPendingSeq: 42,
    });
  }

  getHeaders(q: HeadersQuery): Promise<HeadersPage> {
    const tip = this.headers.length;
    const last = Math.min(q.toHeight, tip, q.fromHeight + q.maxCount - 1);
    const page = this.headers.slice(q.fromHeight - 1, last);
    return this.answer('getHeaders', q, {
      headers: page,
      nextHeight: last < Math.min(q.toHeight, tip) ? last + 1 : 0,
      tip,
    });
  }
  getConsistencyProof(first: number, second: number): Promise<Uint8Array> {
    return this.answer('getConsistencyProof', { first, second }, this.consistency(first, second));
  }
  getBlockHashProof(height: number, at: number): Promise<Uint8Array> {
    return this.answer('getBlockHashProof', { height, at }, this.inclusion(height, at));
  }

  async *subscribeBlocks(fromHeight: number, signal: AbortSignal): AsyncIterable<BlockEvent> {
    this.subscriptions.push({ from: fromHeight, signal });
    // Listen before replaying so no block pushed meanwhile is missed.
    const live = on(this.pushed, 'block', { signal }) as AsyncIterator<[BlockEvent]>;
    const broken = this.breakAfter;
    for (let next = fromHeight, sent = 0; ; next++, sent++) {
      if (broken !== undefined && sent >= broken.count) {
        this.breakAfter = undefined;
        throw broken.error;
      }
      let ev = this.blocks[next - 1];
      while (ev === undefined) {
        const r = await live.next().catch(() => ({ done: true as const, value: undefined }));
        if (r.done || signal.aborted) return;
        if (r.value[0].height === next) ev = r.value[0];
      }
      yield ev;
    }
  }
}
