// The relayer against a remote chain's nodes (fakes serving real certified headers and proofs)
// and a local chain running the real contracts: it updates when due, carries validator changes,
// races another relayer harmlessly, turns two nodes' conflicting headers into a frozen client, and
// imports one of A's envelopes as a fact from A's trace and block-hash log proof.
import { describe, expect, it } from 'vitest';
import type { HeadersPage, ReceiptView, StateAnswer, UploadResult } from '../../../api/types.js';
import { ReceiptState, UploadStatus } from '../../../api/types.js';
import { encodeStateProof } from '../../../codec/state-proof.js';
import { tracingCode } from '../../../crypto/hash.js';
import { MerkleTree } from '../../../crypto/merkle.js';
import { decodeInclusionProof } from '../../../crypto/merkle-proof-codec.js';
import { XK } from '../../../ledger/xchain/records.js';
import { executionResult } from '../../../node/admission/execution-result.js';
import { Admin } from '../../../platform/admin.js';
import { anchorFor, type FactSource, importFact } from '../../../platform/relay/fact-import.js';
import { Relayer, type SourceNode } from '../../../platform/relay/relayer.js';
import { CLIENT, XchainFixture } from '../ledger/xchain/fixture.js';
import type { RemoteBlock, RemoteChain } from '../ledger/xchain/remote-chain.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function source(remote: RemoteChain, tip: () => RemoteBlock = () => remote.block(remote.height)): SourceNode {
  return {
    async getState(key: string): Promise<StateAnswer> {
      const t = tip();
      const value = remote.state.get(key);
      return {
        entries: value === undefined ? [] : [{ key, value }],
        height: t.height - 1,
        proof: {
          header: t.header,
          certificate: t.certificate,
          buckets: [encodeStateProof(remote.state.proof(key))],
        },
      };
    },
    async getHeaders(q): Promise<HeadersPage> {
      const t = tip();
      const headers =
        t.height === q.fromHeight ? [{ height: t.height, header: t.header, certificate: t.certificate }] : [];
      return { headers, nextHeight: 0, tip: remote.height };
    },
  };
}

/** Chain B: each submitted envelope is committed in its own block of the fixture's local chain. */
function dest(f: XchainFixture) {
  const receipts = new Map<string, string>();
  return {
    async getState(key: string): Promise<StateAnswer> {
      const v = f.local.contracts.state.raw(key);
      return { entries: v === undefined ? [] : [{ key, value: v }], height: f.local.height };
    },
    async submitGovernance(env: Uint8Array): Promise<UploadResult> {
      const [r] = f.local.run([env]);
      receipts.set(hex(tracingCode(env)), executionResult(r!));
      return {
        status: UploadStatus.Accepted,
        tracingCode: tracingCode(env),
        reason: '',
        message: '',
        retryAfterMs: 0,
      };
    },
    async getReceipt(tc: Uint8Array): Promise<ReceiptView> {
      const result = receipts.get(hex(tc))!;
      return {
        tracingCode: tc,
        state: ReceiptState.Committed,
        height: f.local.height,
        index: 0,
        result,
        blockTime: 0,
      };
    },
  };
}

function relayer(f: XchainFixture, sources: SourceNode[], now: () => number): Relayer {
  const admin = new Admin(
    { submitGovernance: async () => never(), getReceipt: async () => never() },
    {
      chainId: f.local.id,
      key: f.relayer,
      now: () => f.local.time(),
    },
  );
  return new Relayer({
    clientId: CLIENT,
    sources,
    dest: dest(f),
    sign: (c) => admin.buildCall(c),
    now,
    sleep: async () => {},
  });
}

function never(): never {
  throw new Error('not used');
}

describe('relayer', () => {
  it('updates once a third of the trusting period has passed, and not before; a second relayer is harmless', async () => {
    const f = new XchainFixture({ trustingPeriodMs: 60_000 });
    f.remote.advance(3);
    let now = f.remote.block(2).decoded.time + 5_000;
    const r = relayer(f, [source(f.remote)], () => now);
    expect(await r.step()).toMatchObject({ kind: 'fresh', latestHeight: 2, sourceHeight: 5 });
    now += 20_000;
    expect(await r.step()).toEqual({ kind: 'updated', height: 5, result: '' });
    expect(f.client().latestHeight).toBe(5);
    // Another relayer forcing the same header: refused cleanly, nothing changes.
    const other = relayer(f, [source(f.remote)], () => now);
    expect(
      await other.submit({
        type: 'updateClient',
        clientId: CLIENT,
        headers: [f.remote.update(f.remote.block(5), true)],
      }),
    ).toBe('DuplicateUpdate');
    expect(f.client().heights).toEqual([2, 5]);
  });

  it('carries a validator-set change as soon as chain A has scheduled it', async () => {
    const f = new XchainFixture();
    const { keys } = await import('../ledger/xchain/remote-chain.js');
    f.remote.scheduleSet(9, keys(40, 4));
    f.remote.advance(2);
    const now = f.remote.block(4).decoded.time;
    const r = relayer(f, [source(f.remote)], () => now);
    expect(await r.step()).toEqual({ kind: 'updated', height: 4, result: '' });
    expect(f.client().schedule.map((s) => s.activateAt)).toEqual([2, 9]);
    f.remote.advance(6);
    f.local.height = 9;
    expect(await r.step(true)).toEqual({ kind: 'updated', height: 10, result: '' });
  });

  it('submits two nodes conflicting certified headers as misbehaviour, then reports the client frozen', async () => {
    const f = new XchainFixture();
    f.remote.advance(1);
    const fork = f.remote.header({ height: 3, fill: 4 });
    const now = f.remote.block(3).decoded.time;
    const r = relayer(f, [source(f.remote), source(f.remote, () => fork)], () => now);
    expect(await r.step()).toEqual({ kind: 'misbehaviour', height: 3, result: '' });
    expect(f.client().frozenHeight).toBe(3);
    expect(await r.step()).toEqual({ kind: 'frozen', frozenHeight: 3 });
  });
});

/** Chain A's node as a fact import reads it: traces and block-hash log proofs of the remote chain. */
function factSource(remote: RemoteChain): FactSource {
  return {
    async trace(tc) {
      for (const b of remote.blocks) {
        const codes = b.envelopes.map(tracingCode);
        const i = codes.findIndex((c) => hex(c) === hex(tc));
        if (i < 0) continue;
        const p = new MerkleTree(codes).inclusionProof(i);
        return {
          envelope: b.envelopes[i]!,
          header: b.header,
          leafIndex: p.leafIndex,
          proof: p.path,
          certificate: b.certificate,
          height: b.height,
        };
      }
      throw new Error('NOT_FOUND');
    },
    async getBlockHashProof(height, at) {
      return remote.envelopeProof(height, 0, at).logProof;
    },
  };
}

describe('fact import', () => {
  it('anchors at the lowest held height covering the block', () => {
    expect(anchorFor([2, 5, 9], 3)).toBe(5);
    expect(anchorFor([2, 5, 9], 5)).toBe(5);
    expect(anchorFor([2, 5, 9], 10)).toBeUndefined();
  });

  it("records A's envelopes against a held consensus state, and asks for an update past the latest", async () => {
    const f = new XchainFixture();
    f.remote.advance(3);
    const now = f.remote.block(5).decoded.time;
    const r = relayer(f, [source(f.remote)], () => now);
    expect(await r.step(true)).toEqual({ kind: 'updated', height: 5, result: '' });
    const src = factSource(f.remote);
    const code = (h: number, i: number) => tracingCode(f.remote.block(h).envelopes[i]!);
    expect(await importFact(r, src, CLIENT, code(3, 1))).toEqual({
      kind: 'submitted',
      remoteHeight: 3,
      anchorHeight: 5,
      result: '',
    });
    expect(f.local.contracts.state.raw(XK.fact(CLIENT, hex(code(3, 1))))).toBeDefined();
    expect(await importFact(r, src, CLIENT, code(5, 0))).toMatchObject({ anchorHeight: 5, result: '' });
    expect(await importFact(r, src, CLIENT, code(3, 1))).toMatchObject({ result: 'FactExists' });
    f.remote.advance(1);
    expect(await importFact(r, src, CLIENT, code(6, 2))).toEqual({
      kind: 'not-covered',
      remoteHeight: 6,
      latestHeight: 5,
    });
    // With update, the relayer brings A's newest header first and the fact is anchored on it.
    expect(await importFact(r, src, CLIENT, code(6, 2), true)).toEqual({
      kind: 'submitted',
      remoteHeight: 6,
      anchorHeight: 6,
      result: '',
    });
    expect(decodeInclusionProof(await src.getBlockHashProof(3, 5)).leafIndex).toBe(3);
  });
});
