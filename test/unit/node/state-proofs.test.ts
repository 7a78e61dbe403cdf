// Proven state reads end to end in one process: a real ledger (in-memory index, block log in a
// temp dir) commits certified blocks whose headers carry the state roots, the node's RPC handlers
// serve them over a real gRPC server, and the typed client verifies certificate, chain, state
// root and buckets before it hands out SCP keys, site registrations, chain state and proposals.
// A node that tampers with its answer (drops a list entry, swaps a certificate, changes a header
// byte, sends no proof) is refused with VERIFICATION_FAILED.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../../api/client.js';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import type { NodeApi } from '../../../api/handlers.js';
import { type ApiServer, startApiServer } from '../../../api/server.js';
import type { ScpKeyDirectory, StateProofBytes } from '../../../api/types.js';
import type { TrustAnchor } from '../../../api/verify.js';
import { decodeBlockHeader } from '../../../codec/block.js';
import { decodeStateProof, encodeStateProof } from '../../../codec/state-proof.js';
import type { GovernanceAction } from '../../../codec/types.js';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { verifyStateGroup } from '../../../ledger/state-proof.js';
import { hex } from '../../../node/admission/admission.js';
import { Mempool } from '../../../node/chain/mempool.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import type { RpcHandlers } from '../../../node/rpc-handlers.js';
import { MemoryDb } from '../../../node/store/index.js';
import { call, certifiedBlock, type TestChain, tempDir, testChain, upload } from '../store/fixtures.js';
import { handlersOver } from './handlers-fixture.js';

let chain: TestChain;
let tmp: ReturnType<typeof tempDir>;
let ledger: PersistedLedger;
let db: MemoryDb;
let handlers: RpcHandlers;
let servers: ApiServer[];
let clients: BkdmsClient[];
let trust: TrustAnchor;

async function serve(api: NodeApi): Promise<BkdmsClient> {
  const srv = await startApiServer(api, { listen: '127.0.0.1:0', tls: { insecure: true } });
  servers.push(srv);
  const c = new BkdmsClient({
    address: `127.0.0.1:${srv.port}`,
    tls: { insecure: true },
    retry: { maxAttempts: 1 },
  });
  clients.push(c);
  return c;
}

/** Commits block `height` over `envs`, its header carrying the root of the state it executes on. */
async function commit(height: number, envs: Uint8Array[]): Promise<void> {
  const b = certifiedBlock(chain, height, envs, { stateRoot: ledger.contracts.stateRoot() });
  await ledger.commit(b.bytes, b.decoded);
}

const t = (height: number): number => chain.genesis.genesisTime + height * 1000 - 1;
const newScpKey = new Uint8Array(32).fill(0x42);
const addScp: GovernanceAction = { type: 'addScpKey', publicKey: newScpKey, notBefore: 0, notAfter: 2 ** 45 };

async function verificationCheck(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    if (err instanceof ApiError && err.code === ApiErrorCode.VerificationFailed)
      return String(err.meta.check);
    throw err;
  }
}

beforeEach(async () => {
  chain = testChain();
  tmp = tempDir();
  servers = [];
  clients = [];
  db = new MemoryDb();
  ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db });
  const mempool = new Mempool();
  handlers = handlersOver(chain, ledger, mempool);
  trust = { chainId: chain.genesis.chainId, validators: chain.validators.map((v) => v.publicKey) };
});

afterEach(async () => {
  for (const c of clients) c.close();
  await Promise.all(servers.map((s) => s.stop(100)));
  await ledger.close();
  tmp.cleanup();
});

describe('proven state reads through a node', () => {
  it('serves SCP keys, sites, chain state and proposals proven against the certified header', async () => {
    const client = await serve(handlers);
    const [a0, a1] = [chain.admins[0]!, chain.admins[1]!];
    const [s1, s2] = [chain.sites[0]!, chain.sites[1]!];
    // No header commits to the state yet: proofs start with the first block.
    await expect(client.getScpKeysVerified(trust)).rejects.toMatchObject({ code: ApiErrorCode.NotReady });

    const propose = call(chain.genesis.chainId, a0, 1, t(1), {
      type: 'propose',
      action: addScp,
      expiresAt: t(1) + 3600_000,
    });
    await commit(1, [upload(chain.genesis.chainId, s1, 1, t(1)), propose]);
    await commit(2, [
      call(chain.genesis.chainId, a1, 1, t(2), { type: 'approve', proposalId: tracingCode(propose) }),
    ]);
    const suspend: GovernanceAction = { type: 'suspendSite', siteKeyId: keyIdOf(s2.key.publicKey) };
    await commit(3, [
      call(chain.genesis.chainId, a0, 2, t(3), {
        type: 'propose',
        action: suspend,
        expiresAt: t(3) + 3600_000,
      }),
    ]);
    // Header 3 proves the state after block 2: the second SCP key is in, no proposal is open.
    let scp = await client.getScpKeysVerified(trust);
    expect(scp.header.height).toBe(3);
    expect(scp.height).toBe(2);
    expect(scp.keys.map((k) => hex(k.publicKey)).sort()).toEqual([hex(newScpKey), '09'.repeat(32)].sort());
    expect((await client.getProposalsVerified(trust)).value).toEqual([]);

    await commit(4, [upload(chain.genesis.chainId, s1, 2, t(4))]);
    scp = await client.getScpKeysVerified(trust);
    expect(scp.height).toBe(3);
    expect(scp.keys).toHaveLength(2);
    const proposals = await client.getProposalsVerified(trust);
    expect(proposals.value.map((p) => p.record.action)).toMatchObject([{ type: 'suspendSite' }]);

    const site = await client.getSiteVerified(keyIdOf(s1.key.publicKey), trust);
    expect(site.site?.publicKey).toEqual(s1.key.publicKey);
    expect(site.site?.status).toBe(1);
    expect(site.lastCommittedSeq).toBe(1);
    const unknown = await client.getSiteVerified(new Uint8Array(16).fill(0xee), trust);
    expect(unknown.site).toBeUndefined();

    const params = await client.getParamsVerified(trust);
    expect(params.value[0]?.value.periodMs).toBe(1000);
    const validators = await client.getValidatorsVerified(trust);
    expect(validators.value[0]?.value).toEqual(chain.validators.map((v) => hex(v.publicKey)));
    const admins = await client.getAdminsVerified(trust);
    expect(admins.value?.threshold).toBe(2);
    expect((await client.getStateVerified('gov/nothing-here', trust)).entries).toEqual([]);

    // The caller's trust decides: another chain or another validator set refuses the same answer.
    expect(
      await verificationCheck(client.getScpKeysVerified({ ...trust, chainId: new Uint8Array(32) })),
    ).toBe('WRONG_CHAIN');
    expect(
      await verificationCheck(
        client.getScpKeysVerified({
          ...trust,
          validators: chain.validators.slice(1).map((v) => v.publicKey),
        }),
      ),
    ).toBe('WRONG_VALIDATOR_SET');
  });

  it('refuses a node that drops a list entry, swaps the certificate, changes the header or sends no proof', async () => {
    const [a0, a1] = [chain.admins[0]!, chain.admins[1]!];
    const propose = call(chain.genesis.chainId, a0, 1, t(1), {
      type: 'propose',
      action: addScp,
      expiresAt: t(1) + 3600_000,
    });
    await commit(1, [propose]);
    await commit(2, [
      call(chain.genesis.chainId, a1, 1, t(2), { type: 'approve', proposalId: tracingCode(propose) }),
    ]);
    await commit(3, [upload(chain.genesis.chainId, chain.sites[0]!, 1, t(3))]);
    const otherCertificate = await ledger.store.getCertificate(2);
    const honest = await serve(handlers);
    expect((await honest.getScpKeysVerified(trust)).keys).toHaveLength(2);

    const tampering = (edit: (p: StateProofBytes) => StateProofBytes | null): NodeApi =>
      Object.assign(Object.create(handlers) as RpcHandlers, {
        async getScpKeys(prove?: boolean): Promise<ScpKeyDirectory> {
          const a = await handlers.getScpKeys(prove);
          return { ...a, proof: edit(a.proof as StateProofBytes) };
        },
      });
    const dropFirst = (p: StateProofBytes): StateProofBytes => {
      const b = decodeStateProof(p.buckets[0]!);
      return { ...p, buckets: [encodeStateProof({ ...b, entries: b.entries.slice(1) })] };
    };
    const flip = (b: Uint8Array, at: number): Uint8Array => {
      const out = Uint8Array.from(b);
      out[at] = (out[at] as number) ^ 1;
      return out;
    };
    const cases: [string, (p: StateProofBytes) => StateProofBytes | null][] = [
      ['ROOT_MISMATCH', dropFirst],
      ['WRONG_BLOCK', (p) => ({ ...p, certificate: otherCertificate })],
      ['WRONG_BLOCK', (p) => ({ ...p, header: flip(p.header, 60) })],
      ['NO_PROOF', () => null],
      ['BUCKET_COUNT', (p) => ({ ...p, buckets: [] })],
    ];
    for (const [check, edit] of cases)
      expect(await verificationCheck((await serve(tampering(edit))).getScpKeysVerified(trust))).toBe(check);
  });

  it('after a restart, proves again from the next commit on, whose header certifies the state it loaded', async () => {
    const [a0, a1] = [chain.admins[0]!, chain.admins[1]!];
    const propose = call(chain.genesis.chainId, a0, 1, t(1), {
      type: 'propose',
      action: addScp,
      expiresAt: t(1) + 3600_000,
    });
    await commit(1, [propose]);
    await commit(2, [
      call(chain.genesis.chainId, a1, 1, t(2), { type: 'approve', proposalId: tracingCode(propose) }),
    ]);
    await ledger.close();
    ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: db.reopen() });
    // The loaded state is the state after block 2: no header certifies it until block 3 commits.
    expect(ledger.proven.read(['scp/'])).toBeUndefined();
    await commit(3, [upload(chain.genesis.chainId, chain.sites[0]!, 1, t(3))]);
    const read = ledger.proven.read(['scp/']);
    expect(read?.height).toBe(3);
    const header = decodeBlockHeader(await ledger.store.getHeader(3));
    // Block 2 added the second SCP key: the state after it, proven by header 3, lists both.
    expect(verifyStateGroup(header.stateRoot, 'scp/', encodeStateProof(read!.proofs[0]!))).toHaveLength(2);
  });
});
