import { describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { ReceiptState, type ReceiptView, type UploadResult, UploadStatus } from '../../../api/types.js';
import { decodeEnvelope } from '../../../codec/envelope.js';
import { envelopeSignature, envelopeSignedRegion } from '../../../codec/envelope-view.js';
import { type ContractCallEnvelope, SiteStatus } from '../../../codec/types.js';
import { verify } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { Contracts } from '../../../ledger/contracts.js';
import { ReceiptStatus } from '../../../ledger/execution.js';
import { genesisState } from '../../../ledger/genesis.js';
import { Admin } from '../../../platform/admin.js';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors.js';
import { hex } from '../../../platform/hex.js';
import { adminKey, chainId, genesis, siteA, T0 } from './fixture.js';

/** A node that commits every call after `pendingPolls` receipt polls, with a chosen result. */
class FakeGovernance {
  readonly submitted: Uint8Array[] = [];
  polls = 0;
  constructor(
    private readonly opts: { reject?: string; result?: string; pendingPolls?: number; never?: boolean } = {},
  ) {}

  async submitGovernance(env: Uint8Array): Promise<UploadResult> {
    expect(verify(adminKey.publicKey, envelopeSignedRegion(env), envelopeSignature(env))).toBe(true);
    this.submitted.push(env);
    const tc = tracingCode(env);
    if (this.opts.reject)
      return {
        status: UploadStatus.Rejected,
        tracingCode: tc,
        reason: this.opts.reject,
        message: 'no',
        retryAfterMs: 0,
      };
    return { status: UploadStatus.Accepted, tracingCode: tc, reason: '', message: '', retryAfterMs: 0 };
  }

  async getReceipt(tc: Uint8Array): Promise<ReceiptView> {
    this.polls++;
    if (this.polls === 1) throw new ApiError(ApiErrorCode.NotFound, 'not yet');
    const committed = !this.opts.never && this.polls > (this.opts.pendingPolls ?? 1);
    return {
      tracingCode: tc,
      state: committed ? ReceiptState.Committed : ReceiptState.Pending,
      height: committed ? 7 : 0,
      index: 0,
      result: this.opts.result ?? '',
      blockTime: T0,
    };
  }
}

function admin(chain: FakeGovernance, clock = { t: T0 }): Admin {
  return new Admin(chain, {
    chainId,
    key: adminKey,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
    },
  });
}

describe('admin', () => {
  it('signs, submits and waits for the receipt; the proposal ID is the tracing code', async () => {
    const chain = new FakeGovernance({ pendingPolls: 3 });
    const r = await admin(chain).suspendSite(hex(keyIdOf(siteA.key.publicKey)));
    expect(r.height).toBe(7);
    expect(r.tracingCode).toBe(hex(tracingCode(chain.submitted[0]!)));
    const env = decodeEnvelope(chain.submitted[0]!) as ContractCallEnvelope;
    expect(env.call).toMatchObject({ type: 'propose', action: { type: 'suspendSite' } });
    expect(chain.polls).toBe(4);
  });

  it('uses strictly increasing sequence numbers even within one millisecond', () => {
    const a = admin(new FakeGovernance());
    const seqs = [1, 2, 3].map(
      () => decodeEnvelope(a.buildCall({ type: 'approve', proposalId: new Uint8Array(32) })).seq,
    );
    expect(seqs).toEqual([T0, T0 + 1, T0 + 2]);
  });

  it('the calls it builds have the intended effect on the chain rules', async () => {
    const chain = new FakeGovernance();
    const a = admin(chain);
    const id = hex(keyIdOf(siteA.key.publicKey));
    await a.suspendSite(id);
    await a.resumeSite(id);
    await a.revokeSite(id);
    // The chain's own contracts (ledger/), one call per block.
    const ledger = new Contracts(genesisState(genesis).state, chainId);
    chain.submitted.forEach((env, i) => {
      const header = { height: i + 1, time: T0 + i } as never;
      const { receipts } = ledger.applyBlock({ header, envelopes: [env] });
      expect(receipts).toEqual([{ status: ReceiptStatus.Applied, reason: 0 }]);
      expect(ledger.site(keyIdOf(siteA.key.publicKey))?.status).toBe(
        [SiteStatus.Suspended, SiteStatus.Active, SiteStatus.Revoked][i],
      );
    });
  });

  it('reports refusals, calls without effect and receipts that never come', async () => {
    const cases: [FakeGovernance, PlatformErrorCode, RegExp][] = [
      [new FakeGovernance({ reject: 'NOT_ADMIN' }), PlatformErrorCode.Rejected, /NOT_ADMIN/],
      [new FakeGovernance({ result: 'UNKNOWN_SITE' }), PlatformErrorCode.Rejected, /UNKNOWN_SITE/],
      [new FakeGovernance({ never: true }), PlatformErrorCode.Timeout, /receipt/],
    ];
    for (const [chain, code, message] of cases) {
      const err = await admin(chain)
        .approve('ab'.repeat(32))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlatformError);
      expect((err as PlatformError).code).toBe(code);
      expect((err as PlatformError).message).toMatch(message);
    }
    await expect(admin(new FakeGovernance()).suspendSite('zz')).rejects.toThrow(/site key ID/);
  });
});
