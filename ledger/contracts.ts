// The system contracts as one deterministic machine over ContractState: admission checks for the
// mempool, execution of committed blocks (receipts + state changes + state root), and the
// read-side queries the node and the platform need (validators, params, SCP keys, sites).
import { decodeEnvelope } from '../codec/envelope.js';
import { type Block, type ChainParams, EnvelopeKind, type KeyId } from '../codec/types.js';
import { tracingCode } from '../crypto/hash.js';
import { hexOfKeyId } from '../crypto/key-id-hex.js';
import { type BoundsAt, checkEnvelopeTime, type EnvelopeBounds, envelopeBounds } from './envelope-bounds.js';
import { type ExecutionResult, type Receipt, ReceiptStatus } from './execution.js';
import { applyCall, currentAdmins } from './governance.js';
import { type Check, Reason } from './reasons.js';
import { hex, K, type ParamsJson, type SiteRecord, unhex } from './records.js';
import { checkUploadRule, putSeq, seqWindow, type UploadFields } from './registry.js';
import { PARAMS_KEY, VALIDATORS_KEY, valueAt } from './schedule.js';
import { listScpKeys, type ScpKey } from './scp-keys.js';
import { checkSeq } from './seq-window.js';
import type { ContractState } from './state.js';
import { applyXchainCall, isXchainCall, relayerPublicKey } from './xchain/calls.js';

export interface SiteInfo {
  keyId: KeyId;
  publicKey: Uint8Array;
  country: number;
  city: { scheme: number; code: string };
  siteId: Uint8Array;
  kpiCodes: number[];
  status: number;
}

/** A site registration as stored, in the shape the RPC answers it. */
export function siteInfo(keyId: KeyId, r: SiteRecord): SiteInfo {
  return {
    keyId,
    publicKey: unhex(r.publicKey),
    country: r.country,
    city: { ...r.city },
    siteId: unhex(r.siteId),
    kpiCodes: [...r.kpiCodes],
    status: r.status,
  };
}

const APPLIED: Receipt = { status: ReceiptStatus.Applied, reason: 0 };

function rejected(reason: Reason): Receipt {
  return { status: ReceiptStatus.Rejected, reason };
}

export class Contracts {
  private readonly chainIdHex: string;
  /** Blocks applied since load: changes whenever the state checks read may have changed. */
  private applied = 0;

  constructor(
    readonly state: ContractState,
    readonly chainId: Uint8Array,
  ) {
    this.chainIdHex = hex(chainId);
  }

  /** A number that changes each time a block is applied (admission's staleness check). */
  get version(): number {
    return this.applied;
  }

  /** The envelope bounds in force at `height` (chain parameters, defaults where never set). */
  bounds(height: number): EnvelopeBounds {
    return envelopeBounds(valueAt<ParamsJson>(this.state, PARAMS_KEY, height));
  }

  /**
   * Admission before the mempool, against committed state: `at.height` is the height the envelope
   * would commit at (tip + 1, whose bounds apply), `at.now` the node's clock.
   */
  checkUpload(fields: UploadFields, at: { now: number; height: number }): Check<SiteRecord> {
    return checkUploadRule(this.state, this.chainId, fields, { ...this.bounds(at.height), now: at.now });
  }

  /**
   * Executes a committed block: each envelope is re-checked against the state as left by the
   * envelopes before it; an envelope that became invalid is skipped with a Rejected receipt.
   * `after`, when given, is called after each envelope with the state as that envelope left it
   * (the platform reads there the registry entry each upload is judged by).
   */
  applyBlock(block: Block, after?: (index: number, receipt: Receipt) => void): ExecutionResult {
    this.applied++;
    const { height, time } = block.header;
    // Envelope times are judged against the block's own time: chain data, the same on every node.
    const at: BoundsAt = { ...this.bounds(height), now: time };
    const receipts = block.envelopes.map((bytes, i) => {
      const receipt = this.applyEnvelope(bytes, height, at);
      after?.(i, receipt);
      return receipt;
    });
    const stateChanges = this.state.flush();
    return { receipts, stateChanges, stateRoot: this.state.root() };
  }

  private applyEnvelope(bytes: Uint8Array, height: number, at: BoundsAt): Receipt {
    let env: ReturnType<typeof decodeEnvelope>;
    try {
      env = decodeEnvelope(bytes);
    } catch {
      return rejected(Reason.Malformed);
    }
    const signer = hexOfKeyId(env.signerKeyId);
    if (env.kind === EnvelopeKind.KpiUpload) {
      const check = checkUploadRule(this.state, this.chainId, env, at, signer);
      if (!check.ok) return rejected(check.reason);
      putSeq(this.state, signer, env.seq);
      return APPLIED;
    }
    if (hex(env.chainId) !== this.chainIdHex) return rejected(Reason.WrongChain);
    const admin = currentAdmins(this.state).ids.has(signer);
    // A relayer may sign cross-chain calls only (which of its clients: the call's own check).
    const relayer = !admin && isXchainCall(env.call) && relayerPublicKey(this.state, signer) !== undefined;
    if (!admin && !relayer) return rejected(Reason.NotAdmin);
    const seq = checkSeq(seqWindow(this.state, signer), env.seq);
    if (seq !== Reason.None) return rejected(seq);
    // No seq gap bound for calls: administrators number them by their clock (platform/admin.ts).
    const ahead = checkEnvelopeTime(env.time, at.now, at.maxEnvelopeFutureMs);
    if (ahead !== Reason.None) return rejected(ahead);
    // An authenticated call consumes its sequence number whatever its outcome.
    putSeq(this.state, signer, env.seq);
    const ctx = {
      state: this.state,
      height,
      time: at.now,
      signerKeyIdHex: signer,
      tracingCodeHex: hex(tracingCode(bytes)),
    };
    const call = env.call;
    const reason = isXchainCall(call) ? applyXchainCall(ctx, call, signer, admin) : applyCall(ctx, call);
    return reason === Reason.None ? APPLIED : rejected(reason);
  }

  /** Validator public keys in force at `height` (set order = commit signature indexes). */
  validators(height: number): Uint8Array[] {
    return (valueAt<string[]>(this.state, VALIDATORS_KEY, height) ?? []).map(unhex);
  }

  params(height: number): ChainParams | undefined {
    const p = valueAt<ChainParams & { [k: string]: number }>(this.state, PARAMS_KEY, height);
    return p === undefined ? undefined : { ...p };
  }

  scpKeys(): ScpKey[] {
    return listScpKeys(this.state);
  }

  site(keyId: KeyId): SiteInfo | undefined {
    const r = this.state.get<SiteRecord>(K.site(hex(keyId)));
    return r === undefined ? undefined : siteInfo(keyId, r);
  }

  /** Every registered site under its current key (revoked and suspended ones included), by key ID. */
  sites(): SiteInfo[] {
    return this.state
      .keys(K.sitePrefix)
      .map((k) => siteInfo(unhex(k.slice(K.sitePrefix.length)), this.state.get<SiteRecord>(k) as SiteRecord));
  }

  stateRoot(): Uint8Array {
    return this.state.root();
  }
}
