// The relayer: carries chain A's certified headers to chain B's light client of A. It is
// untrusted: B's contract checks every header, certificate and proof, so the relayer's job is
// only liveness (update before the client expires, carry the proofs a fact import needs) and
// vigilance (compare what several A nodes certify, and bring any conflict to B as misbehaviour).
// It keeps no state of its own: each step reads B's client state, so it resumes from wherever B
// is, and several relayers at once only cost each other DuplicateUpdate receipts.

import type { HeadersPage } from '../../api/types.js';
import {
  ReceiptState,
  type ReceiptView,
  type StateAnswer,
  type UploadResult,
  UploadStatus,
} from '../../api/types.js';
import { decodeBlockHeader } from '../../codec/block.js';
import type { ContractCall } from '../../codec/types.js';
import { tracingCode } from '../../crypto/hash.js';
import { K } from '../../ledger/records.js';
import type { ClientRecord, ConsensusRecord } from '../../ledger/xchain/records.js';
import { XK } from '../../ledger/xchain/records.js';
import { remoteBlockHash } from '../../ledger/xchain/remote-header.js';
import { hex } from '../hex.js';

/** What the relayer asks of chain A's nodes (api/'s BkdmsClient has all of it). */
export interface SourceNode {
  getState(key: string, prove?: boolean): Promise<StateAnswer>;
  getHeaders(q: { fromHeight: number; toHeight?: number; maxCount?: number }): Promise<HeadersPage>;
}

/** What the relayer asks of chain B's node. */
export interface DestNode {
  getState(key: string, prove?: boolean): Promise<StateAnswer>;
  submitGovernance(envelope: Uint8Array): Promise<UploadResult>;
  getReceipt(tracingCode: Uint8Array): Promise<ReceiptView>;
}

export interface RelayerOptions {
  clientId: number;
  /** Chain A's nodes; the first is followed, the others are compared with it. */
  sources: SourceNode[];
  dest: DestNode;
  /** Signs a call with the relayer key (platform/admin.ts Admin.buildCall). */
  sign: (call: ContractCall) => Uint8Array;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Update once this fraction of the trusting period has passed since the latest consensus state. */
  refreshFraction?: number;
  receiptTimeoutMs?: number;
}

export type StepOutcome =
  | { kind: 'frozen'; frozenHeight: number }
  /** Nothing to send: the client holds `latestHeight`, chain A has certified up to `sourceHeight`. */
  | { kind: 'fresh'; latestHeight: number; sourceHeight: number; msSinceUpdate: number }
  | { kind: 'updated'; height: number; result: string }
  | { kind: 'misbehaviour'; height: number; result: string };

const dec = new TextDecoder();

function value<T>(a: StateAnswer): T | undefined {
  const [e] = a.entries;
  return e === undefined ? undefined : (JSON.parse(dec.decode(e.value)) as T);
}

export class Relayer {
  constructor(private readonly o: RelayerOptions) {}

  /** B's client of A as B's node reports it (unproven: B's contract is the judge of what is sent). */
  async client(): Promise<{ client: ClientRecord; latest: ConsensusRecord | undefined }> {
    const c = value<ClientRecord>(await this.o.dest.getState(XK.client(this.o.clientId)));
    if (c === undefined) throw new Error(`chain B holds no light client ${this.o.clientId}`);
    const latest = value<ConsensusRecord>(
      await this.o.dest.getState(XK.consensus(c.clientId, c.latestHeight)),
    );
    return { client: c, latest };
  }

  /**
   * One round: misbehaviour first (A's nodes disagree on a certified header), then an update when
   * the client is due one (`force`: carry a header now, e.g. for a proof at a newer height) or
   * when A's validator schedule changed since the client last saw it.
   */
  async step(force = false): Promise<StepOutcome> {
    const { client, latest } = await this.client();
    if (client.frozenHeight > 0) return { kind: 'frozen', frozenHeight: client.frozenHeight };
    // The newest header A certified, with A's validator schedule proven against it: one answer
    // carries a whole update (header, certificate, schedule proof).
    const answer = await this.o.sources[0]!.getState(K.validators, true);
    const proof = answer.proof ?? undefined;
    const bucket = proof?.buckets.length === 1 ? proof.buckets[0] : undefined;
    if (proof === undefined || bucket === undefined) throw new Error('chain A answered without a proof');
    const height = decodeBlockHeader(proof.header).height;
    const conflict = await this.conflict(height, proof);
    if (conflict !== undefined) return conflict;
    const since = latest === undefined ? Number.POSITIVE_INFINITY : this.o.now() - latest.time;
    const due = since >= client.trustingPeriodMs * (this.o.refreshFraction ?? 1 / 3);
    const changed = this.scheduleMoved(client, value<unknown>(answer));
    if (!(force || due || changed) || height <= client.latestHeight)
      return { kind: 'fresh', latestHeight: client.latestHeight, sourceHeight: height, msSinceUpdate: since };
    const result = await this.submit({
      type: 'updateClient',
      clientId: client.clientId,
      headers: [{ header: proof.header, certificate: proof.certificate, scheduleProof: bucket }],
    });
    return { kind: 'updated', height, result };
  }

  /** Whether A's schedule has an activation the client's does not (a change to carry). */
  private scheduleMoved(c: ClientRecord, schedule: unknown): boolean {
    if (!Array.isArray(schedule)) return false;
    const known = new Set(c.schedule.map((s) => `${s.activateAt}:${s.value.join(',')}`));
    return (schedule as { activateAt: number; value: string[] }[]).some(
      (s) => s.activateAt > c.schedule[0]!.activateAt && !known.has(`${s.activateAt}:${s.value.join(',')}`),
    );
  }

  /** The other A nodes' header at `height`; a different certified header is submitted as misbehaviour. */
  private async conflict(
    height: number,
    first: { header: Uint8Array; certificate: Uint8Array },
  ): Promise<StepOutcome | undefined> {
    const firstHash = hex(remoteBlockHash(first.header));
    for (const node of this.o.sources.slice(1)) {
      let page: HeadersPage;
      try {
        page = await node.getHeaders({ fromHeight: height, toHeight: height, maxCount: 1 });
      } catch {
        continue; // a node that is down or behind says nothing
      }
      const other = page.headers.find((h) => h.height === height);
      if (other === undefined || hex(remoteBlockHash(other.header)) === firstHash) continue;
      const result = await this.submit({
        type: 'submitMisbehaviour',
        clientId: this.o.clientId,
        first: { header: first.header, certificate: first.certificate },
        second: { header: other.header, certificate: other.certificate },
      });
      // NotMisbehaviour: the other node served an uncertified header; the contract said so.
      if (result !== 'NotMisbehaviour') return { kind: 'misbehaviour', height, result };
    }
    return undefined;
  }

  /** Submits a call and waits for its receipt: '' applied, else the contract's reason name. */
  async submit(call: ContractCall): Promise<string> {
    const env = this.o.sign(call);
    const res = await this.o.dest.submitGovernance(env);
    if (res.status === UploadStatus.Rejected) return res.reason || 'REJECTED';
    if (res.status === UploadStatus.AlreadyCommitted) return res.reason;
    const tc = tracingCode(env);
    const deadline = this.o.now() + (this.o.receiptTimeoutMs ?? 60_000);
    for (;;) {
      const r = await this.o.dest.getReceipt(tc).catch(() => undefined);
      if (r?.state === ReceiptState.Committed) return r.result;
      if (this.o.now() >= deadline) return 'RECEIPT_TIMEOUT';
      await this.o.sleep(250);
    }
  }
}
