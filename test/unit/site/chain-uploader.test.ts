// What the site makes of a node's answers. Receipts: applied, refused when its block executed,
// pending, unknown, evicted (REPLAYED), and an upload answer's ALREADY_COMMITTED; a refusal at
// execution must not read as committed. Trust: "committed" counts only with a verified trace, the
// SCP key directory and the site's registration only with a verified state proof; a node that
// answers without proof, or with one that does not verify, is reported by name and skipped, and the
// site never seals to a key such a node served.
import { describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { LightClient } from '../../../api/light-client.js';
import {
  ReceiptState,
  type ReceiptView,
  type ScpKeyDirectory,
  type SiteInfo,
  type TraceBundleBytes,
  type UploadResult,
  UploadStatus,
} from '../../../api/types.js';
import { encodeBlockHeader } from '../../../codec/block.js';
import { encodeCommitCertificate } from '../../../codec/certificate.js';
import { encodeStateProof } from '../../../codec/state-proof.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { MerkleTree } from '../../../crypto/merkle.js';
import { StateRootTree } from '../../../ledger/state-root.js';
import { ChainCache } from '../../../site/chain-cache.js';
import { ChainUploader, toOutcome } from '../../../site/chain-uploader.js';
import { NodeReports } from '../../../site/node-reports.js';
import { certifiedBlock, testChain, upload } from '../store/fixtures.js';

const chain = testChain();
const siteKeyId = keyIdOf(chain.sites[0]!.key.publicKey);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const enc = new TextEncoder();

/** A light client that has (from its saved state) proven the genesis set up to height 100. */
function lightClient(): LightClient {
  const anchor = { chainId: chain.genesis.chainId, validators: chain.validators.map((v) => v.publicKey) };
  const state = {
    chainId: hex(anchor.chainId),
    schedule: [{ activateAt: 0, value: anchor.validators.map(hex) }],
    provenAt: 100,
  };
  return new LightClient(anchor, { load: () => state, save: () => undefined });
}

/** Block 5 holding the site's envelopes seq 1..3: their genuine trace bundles. */
const envelopes = [1, 2, 3].map((seq) =>
  upload(chain.genesis.chainId, chain.sites[0]!, seq, chain.genesis.genesisTime + 5000),
);
const block5 = certifiedBlock(chain, 5, envelopes);
const tree = new MerkleTree(envelopes.map(tracingCode));
function bundle(i: number): TraceBundleBytes {
  return {
    envelope: envelopes[i]!,
    header: encodeBlockHeader(block5.decoded.block.header),
    leafIndex: i,
    proof: tree.inclusionProof(i).path,
    certificate: encodeCommitCertificate(block5.decoded.certificate),
    height: 5,
  };
}

/** A proven state at header 7: the SCP directory holding `scpKey`, and the site at seq 2 (mask 0b11). */
const realScpKey = new Uint8Array(32).fill(0x31);
const scpKeyId = new Uint8Array(16).fill(0x41);
const state = new StateRootTree();
state.set(
  `scp/${hex(scpKeyId)}`,
  enc.encode(JSON.stringify({ publicKey: hex(realScpKey), notBefore: 0, notAfter: 2 ** 45, retired: false })),
);
state.set(
  `site/${hex(siteKeyId)}`,
  enc.encode(
    JSON.stringify({
      publicKey: hex(chain.sites[0]!.key.publicKey),
      country: 156,
      city: { scheme: 1, code: 'CNSHA' },
      siteId: '00'.repeat(16),
      kpiCodes: [21101],
      status: 1,
    }),
  ),
);
state.set(`seq/${hex(siteKeyId)}`, enc.encode(JSON.stringify({ hwm: 2, mask: '3' })));
const header7 = certifiedBlock(chain, 7, [], { stateRoot: state.root() });
function proofOf(keys: string[]) {
  return {
    header: encodeBlockHeader(header7.decoded.block.header),
    certificate: encodeCommitCertificate(header7.decoded.certificate),
    buckets: keys.map((k) => encodeStateProof(state.proof(k))),
  };
}

const forgedKey = new Uint8Array(32).fill(0x66);
const directory = (proof: ScpKeyDirectory['proof'], key = realScpKey): ScpKeyDirectory => ({
  keys: [{ keyId: scpKeyId, publicKey: key, notBefore: 0, notAfter: 2 ** 45 }],
  height: 6,
  proof,
});

type Fake = Partial<Record<keyof BkdmsClient, unknown>>;
/** A client whose raw calls are `f`'s; the verified reads are BkdmsClient's own, over them. */
function fakeClient(f: Fake): BkdmsClient {
  return Object.assign(Object.create(BkdmsClient.prototype) as BkdmsClient, { close: () => undefined, ...f });
}
function uploaderOf(fakes: Fake[]): { up: ChainUploader; reports: NodeReports } {
  const reports = new NodeReports();
  const nodes = fakes.map((f, i) => ({
    name: `node${i}`,
    client: fakeClient(f),
  }));
  return { up: new ChainUploader(nodes, siteKeyId, new ChainCache(), lightClient(), reports), reports };
}

const honestTrace = {
  trace: async (code: Uint8Array) => bundle(envelopes.findIndex((e) => hex(tracingCode(e)) === hex(code))),
};
const receipt = (state: ReceiptState, result: string, height: number): ReceiptView => ({
  tracingCode: new Uint8Array(32),
  state,
  height,
  index: 0,
  result,
  blockTime: 0,
});
const tcOf = (i: number): string => hex(tracingCode(envelopes[i]!));

describe('ChainUploader.receipt', () => {
  it('maps each proven receipt to what the upload loop does with it', async () => {
    const of = (r: ReceiptView) =>
      uploaderOf([{ getReceipt: async () => r, ...honestTrace }]).up.receipt(tcOf(0), 1);
    expect(await of(receipt(ReceiptState.Committed, '', 5))).toEqual({ kind: 'committed', height: 5 });
    expect(await of(receipt(ReceiptState.Committed, 'KeyRotated', 5))).toEqual({
      kind: 'refused',
      reason: 'KeyRotated',
    });
    expect(await of(receipt(ReceiptState.Pending, '', 0))).toEqual({ kind: 'pending' });
    const unknown = uploaderOf([
      {
        getReceipt: async () => {
          throw new ApiError(ApiErrorCode.NotFound, 'unknown tracing code');
        },
      },
    ]).up;
    expect(await unknown.receipt(tcOf(0), 1)).toEqual({ kind: 'unknown' });
  });

  it('reads a forged "committed" as pending, reports the node and asks the next one', async () => {
    const { up, reports } = uploaderOf([
      // Claims the commit, but its trace is of another envelope; then one with a broken certificate.
      { getReceipt: async () => receipt(ReceiptState.Committed, '', 5), trace: async () => bundle(1) },
      {
        getReceipt: async () => receipt(ReceiptState.Committed, '', 5),
        trace: async () => ({
          ...bundle(0),
          certificate: encodeCommitCertificate({
            ...block5.decoded.certificate,
            signatures: block5.decoded.certificate.signatures.slice(0, 1),
          }),
        }),
      },
      {
        getReceipt: async () => receipt(ReceiptState.Committed, '', 5),
        trace: async () => {
          throw new ApiError(ApiErrorCode.NotFound, 'no trace');
        },
      },
      { getReceipt: async () => receipt(ReceiptState.Committed, '', 5), ...honestTrace },
    ]);
    expect(await up.receipt(tcOf(0), 1)).toEqual({ kind: 'pending' });
    expect(await up.receipt(tcOf(0), 1)).toEqual({ kind: 'pending' });
    expect(await up.receipt(tcOf(0), 1)).toEqual({ kind: 'pending' });
    expect(reports.snapshot().unverified).toEqual({ node0: 1, node1: 1, node2: 1 });
    expect(reports.snapshot().lastUnverified).toContain('node2 receipt');
    expect(await up.receipt(tcOf(0), 1)).toEqual({ kind: 'committed', height: 5 });
  });

  it('believes "replayed" only when the proven replay window shows the seq spent', async () => {
    const replayed = async () => {
      throw new ApiError(
        ApiErrorCode.Replayed,
        'evicted: sequence number 4 was spent by envelope ab in block 7',
      );
    };
    const site = async (): Promise<SiteInfo> => ({
      ...siteInfo(),
      proof: proofOf([`site/${hex(siteKeyId)}`, `seq/${hex(siteKeyId)}`]),
    });
    const { up, reports } = uploaderOf([{ getReceipt: replayed, getSite: site }]);
    // The proven window holds seqs 1 and 2 only: seq 3 is not spent, so the claim is a lie.
    expect(await up.receipt(tcOf(2), 3)).toEqual({ kind: 'pending' });
    expect(reports.snapshot().lastUnverified).toBe('node0 receipt: UNPROVEN_REPLAY');
    const r = await up.receipt(tcOf(1), 2);
    expect(r.kind).toBe('replayed');
  });
});

function siteInfo(): Omit<SiteInfo, 'proof'> {
  return {
    keyId: siteKeyId,
    publicKey: chain.sites[0]!.key.publicKey,
    country: 156,
    city: { scheme: 1, code: 'CNSHA' },
    siteId: new Uint8Array(16),
    kpiCodes: [21101],
    status: 1,
    lastCommittedSeq: 2,
    lastPendingSeq: 9,
  } as Omit<SiteInfo, 'proof'>;
}

describe('ChainUploader.uploadBatch', () => {
  it('keeps an entry a node calls committed until its trace proves it', async () => {
    const committed = async (envs: Uint8Array[]): Promise<UploadResult[]> =>
      envs.map((e) => ({
        status: UploadStatus.AlreadyCommitted,
        tracingCode: tracingCode(e),
        reason: '',
        message: '',
        retryAfterMs: 0,
      }));
    const lying = uploaderOf([{ uploadBatch: committed, trace: async () => bundle(2) }]);
    expect(await lying.up.uploadBatch([envelopes[0]!])).toEqual([{ kind: 'admitted' }]);
    expect(lying.reports.snapshot().unverified).toEqual({ node0: 1 });
    const honest = uploaderOf([{ uploadBatch: committed, ...honestTrace }]);
    expect(await honest.up.uploadBatch([envelopes[0]!, envelopes[1]!])).toEqual([
      { kind: 'committed' },
      { kind: 'committed' },
    ]);
  });
});

describe('ChainUploader.scpKeys', () => {
  it('skips and reports nodes serving a key without a proof or with a forged one; seals only to the proven key', async () => {
    const forgedProof = {
      ...proofOf(['scp/']),
      buckets: [encodeStateProof({ ...state.proof('scp/'), entries: [] })],
    };
    const { up, reports } = uploaderOf([
      { getScpKeys: async () => directory(undefined, forgedKey) },
      { getScpKeys: async () => directory(forgedProof, forgedKey) },
      { getScpKeys: async () => directory(proofOf(['scp/'])) },
    ]);
    const keys = await up.scpKeys();
    expect(keys.map((k) => hex(k.publicKey))).toEqual([hex(realScpKey)]);
    expect(reports.snapshot().unverified).toEqual({ node0: 1, node1: 1 });
    expect(reports.snapshot().lastUnverified).toMatch(/^node1 scpKeys: /);
  });

  it('never falls back to a directory no node proved', async () => {
    const cache = new ChainCache();
    const nodes = [
      {
        name: 'liar',
        client: fakeClient({ getScpKeys: async () => directory(undefined, forgedKey) }),
      },
    ];
    const up = new ChainUploader(nodes, siteKeyId, cache, lightClient(), new NodeReports());
    await expect(up.scpKeys()).rejects.toMatchObject({ code: ApiErrorCode.VerificationFailed });
    expect(cache.scpKeys()).toBeUndefined();
  });
});

describe('before the first block', () => {
  it('uses the genesis SCP keys only while every node says nothing is proven yet', async () => {
    const notReady = async () => {
      throw new ApiError(ApiErrorCode.NotReady, 'no certified header commits to this node state yet');
    };
    const genesisKey = { keyId: scpKeyId, publicKey: realScpKey, notBefore: 0, notAfter: 2 ** 45 };
    const nodes = (fakes: Fake[]) => fakes.map((f, i) => ({ name: `node${i}`, client: fakeClient(f) }));
    const cache = new ChainCache();
    const early = new ChainUploader(
      nodes([
        { getScpKeys: notReady, getSite: notReady },
        { getScpKeys: notReady, getSite: notReady },
      ]),
      siteKeyId,
      cache,
      new LightClient({
        chainId: chain.genesis.chainId,
        validators: chain.validators.map((v) => v.publicKey),
      }),
      new NodeReports(),
      [genesisKey],
    );
    expect(await early.scpKeys()).toEqual([genesisKey]);
    // Kept like a proven directory (the genesis file is trusted like the anchor), for a restart offline.
    expect(cache.scpKeys()).toEqual([genesisKey]);
    expect(await early.seqFloor()).toBe(1);
    // One node that is not ready and one that answers without a proof: no genesis fallback.
    const mixed = new ChainUploader(
      nodes([{ getScpKeys: notReady }, { getScpKeys: async () => directory(undefined, forgedKey) }]),
      siteKeyId,
      new ChainCache(),
      lightClient(),
      new NodeReports(),
      [genesisKey],
    );
    await expect(mixed.scpKeys()).rejects.toMatchObject({ code: ApiErrorCode.VerificationFailed });
  });
});

describe('ChainUploader.seqFloor', () => {
  it('starts above the proven committed seq, raised by the unproven pending one only within bounds', async () => {
    const answer = (pending: number) => async (): Promise<SiteInfo> => ({
      ...siteInfo(),
      lastPendingSeq: pending,
      proof: proofOf([`site/${hex(siteKeyId)}`, `seq/${hex(siteKeyId)}`]),
    });
    expect(await uploaderOf([{ getSite: answer(9) }]).up.seqFloor()).toBe(10);
    expect(await uploaderOf([{ getSite: answer(2 ** 40) }]).up.seqFloor()).toBe(2 + 1024 + 1);
    const { up, reports } = uploaderOf([
      { getSite: async () => ({ ...siteInfo() }) },
      { getSite: answer(0) },
    ]);
    expect(await up.seqFloor()).toBe(3);
    expect(reports.snapshot().lastUnverified).toBe('node0 site: NO_PROOF');
    expect([...(up.allowedCodes() ?? [])]).toEqual([21101]);
  });
});

describe('toOutcome', () => {
  const res = (status: UploadStatus, reason = '', message = ''): UploadResult => ({
    status,
    tracingCode: new Uint8Array(32),
    reason,
    message,
    retryAfterMs: 0,
  });

  it('reads ALREADY_COMMITTED with a result as refused at execution, not as committed', () => {
    expect(toOutcome(res(UploadStatus.AlreadyCommitted))).toEqual({ kind: 'committed' });
    expect(toOutcome(res(UploadStatus.AlreadyCommitted, 'SiteSuspended', 'refused at execution'))).toEqual({
      kind: 'refused',
      reason: 'SiteSuspended',
    });
    expect(toOutcome(res(UploadStatus.AlreadyPending))).toEqual({ kind: 'admitted' });
    expect(toOutcome(res(UploadStatus.Rejected, ApiErrorCode.Replayed, 'seq spent'))).toEqual({
      kind: 'rejected',
      reason: ApiErrorCode.Replayed,
      message: 'seq spent',
    });
  });

  const refused = (reason: ApiErrorCode) =>
    toOutcome({
      status: UploadStatus.Rejected,
      tracingCode: new Uint8Array(32),
      reason,
      message: 'refused by the permission contract',
      retryAfterMs: 0,
    }).kind;

  it('keeps an envelope ahead of the node clock for a later try; gives up a seq too far ahead', () => {
    expect(refused(ApiErrorCode.TimeInFuture)).toBe('retry');
    expect(refused(ApiErrorCode.MempoolFull)).toBe('retry');
    expect(refused(ApiErrorCode.SeqTooFar)).toBe('rejected');
    expect(refused(ApiErrorCode.Unauthorized)).toBe('rejected');
  });
});
