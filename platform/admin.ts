// Permission administration (Y.4907 §8.3 "permission"): builds ContractCall envelopes, signs them
// with an SCP administrator's Ed25519 key, submits them to a node and waits for their receipts.
// Every action is a governance proposal: with a threshold of 1 it executes at once, otherwise the
// other administrators approve it (approve(proposalId)) until M of N have. Sequence numbers are
// the current time in ms (bumped when two calls share a millisecond), so an admin needs no local
// state and never reuses one across restarts.
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { ReceiptState, type ReceiptView, type UploadResult, UploadStatus } from '../api/types.js';
import { encodeEnvelope } from '../codec/envelope.js';
import { envelopeSignedRegion, setEnvelopeSignature } from '../codec/envelope-view.js';
import { type CityCode, type ContractCall, EnvelopeKind, type GovernanceAction } from '../codec/types.js';
import { type Ed25519KeyPair, sign } from '../crypto/ed25519.js';
import { tracingCode } from '../crypto/hash.js';
import { keyIdOf } from '../crypto/key-id.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { hex, unhex } from './hex.js';

/** What administration needs from a node (api/'s BkdmsClient has both). */
export interface GovernanceChain {
  submitGovernance(envelope: Uint8Array): Promise<UploadResult>;
  getReceipt(tracingCode: Uint8Array): Promise<ReceiptView>;
}

export interface AdminOptions {
  chainId: Uint8Array;
  key: Ed25519KeyPair;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How long a proposal stays open for approvals, ms. */
  proposalTtlMs?: number;
  receiptTimeoutMs?: number;
  receiptPollMs?: number;
}

export const defaultAdminOptions = {
  proposalTtlMs: 7 * 24 * 3_600_000,
  receiptTimeoutMs: 60_000,
  receiptPollMs: 500,
};

export interface CallResult {
  /** Tracing code of the call's envelope (hex); for a proposal this is its proposal ID. */
  tracingCode: string;
  height: number;
  index: number;
}

export class Admin {
  private lastSeq = 0;
  private readonly o: Required<AdminOptions>;

  constructor(
    private readonly chain: GovernanceChain,
    opts: AdminOptions,
  ) {
    this.o = {
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      ...defaultAdminOptions,
      ...opts,
    };
  }

  /** The signed envelope of `call` with the next sequence number. */
  buildCall(call: ContractCall): Uint8Array {
    const now = this.o.now();
    this.lastSeq = Math.max(now, this.lastSeq + 1);
    const env = encodeEnvelope({
      kind: EnvelopeKind.ContractCall,
      chainId: this.o.chainId,
      signerKeyId: keyIdOf(this.o.key.publicKey),
      seq: this.lastSeq,
      time: now,
      call,
      signature: new Uint8Array(64),
    });
    setEnvelopeSignature(env, sign(this.o.key, envelopeSignedRegion(env)));
    return env;
  }

  /** Submits a call and waits until it is committed with an ok receipt; throws REJECTED otherwise. */
  async submit(call: ContractCall): Promise<CallResult> {
    const env = this.buildCall(call);
    const tc = tracingCode(env);
    let res: UploadResult;
    try {
      res = await this.chain.submitGovernance(env);
    } catch (err) {
      if (err instanceof ApiError) throw refused(err.code, err.message);
      throw new PlatformError(PlatformErrorCode.Chain, `submit failed: ${(err as Error).message}`);
    }
    if (res.status === UploadStatus.Rejected) throw refused(res.reason, res.message);
    const receipt = await this.waitReceipt(tc);
    if (receipt.result !== '') throw refused(receipt.result, 'committed without effect');
    return { tracingCode: hex(tc), height: receipt.height, index: receipt.index };
  }

  /** Polls the receipt of `tc` until it is committed or the timeout passes. */
  async waitReceipt(tc: Uint8Array): Promise<ReceiptView> {
    const deadline = this.o.now() + this.o.receiptTimeoutMs;
    for (;;) {
      try {
        const r = await this.chain.getReceipt(tc);
        if (r.state === ReceiptState.Committed) return r;
      } catch (err) {
        if (!(err instanceof ApiError && err.code === ApiErrorCode.NotFound)) throw err;
      }
      if (this.o.now() >= deadline)
        throw new PlatformError(PlatformErrorCode.Timeout, `no committed receipt for ${hex(tc)} yet`, {
          tracingCode: hex(tc),
        });
      await this.o.sleep(this.o.receiptPollMs);
    }
  }

  /** Proposes `action`; the result's tracing code is the proposal ID the other admins approve. */
  async propose(action: GovernanceAction): Promise<CallResult> {
    return this.submit({ type: 'propose', action, expiresAt: this.o.now() + this.o.proposalTtlMs });
  }

  async approve(proposalIdHex: string): Promise<CallResult> {
    return this.submit({ type: 'approve', proposalId: unhex(proposalIdHex, 32, 'proposal ID') });
  }

  async registerSite(site: {
    publicKey: Uint8Array;
    country: number;
    city: CityCode;
    siteId: Uint8Array;
    kpiCodes: number[];
  }): Promise<CallResult> {
    const kpiCodes = [...new Set(site.kpiCodes)].sort((a, b) => a - b);
    return this.propose({ type: 'registerSite', ...site, kpiCodes });
  }

  async suspendSite(siteKeyIdHex: string): Promise<CallResult> {
    return this.propose({ type: 'suspendSite', siteKeyId: siteKey(siteKeyIdHex) });
  }

  async resumeSite(siteKeyIdHex: string): Promise<CallResult> {
    return this.propose({ type: 'resumeSite', siteKeyId: siteKey(siteKeyIdHex) });
  }

  async revokeSite(siteKeyIdHex: string): Promise<CallResult> {
    return this.propose({ type: 'revokeSite', siteKeyId: siteKey(siteKeyIdHex) });
  }

  async rotateSiteKey(siteKeyIdHex: string, newPublicKey: Uint8Array): Promise<CallResult> {
    return this.propose({ type: 'rotateSiteKey', siteKeyId: siteKey(siteKeyIdHex), newPublicKey });
  }

  /** Adds an X25519 encryption key of the platform to the SCP key directory. */
  async addScpKey(publicKey: Uint8Array, notBefore: number, notAfter: number): Promise<CallResult> {
    return this.propose({ type: 'addScpKey', publicKey, notBefore, notAfter });
  }

  async retireScpKey(scpKeyIdHex: string): Promise<CallResult> {
    return this.propose({ type: 'retireScpKey', scpKeyId: unhex(scpKeyIdHex, 16, 'SCP key ID') });
  }
}

function siteKey(text: string): Uint8Array {
  return unhex(text, 16, 'site key ID');
}

function refused(reason: string, message: string): PlatformError {
  return new PlatformError(PlatformErrorCode.Rejected, `${reason}: ${message}`, { reason });
}
