// A genuine certified chain of KPI uploads for the extraction benchmark: four validators, one
// registered site sealing for one SCP key (session mode, as sites run by default), blocks with real
// Merkle roots, parent hashes, block-hash log roots, state roots from executing the chain with the
// ledger the nodes run, and 3-of-4 commit certificates. Built once before timing starts.
import { encodeBlockHeader } from '../codec/block.js';
import { encodeCertifiedBlock } from '../codec/certificate.js';
import { blockHeaderHashInput, commitSigningBytes } from '../codec/signing.js';
import type { BlockHeader } from '../codec/types.js';
import { validatorSetHash } from '../crypto/certificate.js';
import { ed25519FromSeed, sign } from '../crypto/ed25519.js';
import { sha256, tracingCode } from '../crypto/hash.js';
import { LogFrontier } from '../crypto/hash-log.js';
import { MerkleTree } from '../crypto/merkle.js';
import { Contracts } from '../ledger/contracts.js';
import { genesisState, type LedgerGenesis } from '../ledger/genesis.js';
import type { ChainBlock } from '../platform/chain-source.js';
import { unhex } from '../platform/hex.js';
import { BENCH_T, benchSite } from './platform-fixture.js';

const H = 3_600_000;
/** The chain ID benchSite's envelope maker signs for. */
const CHAIN_ID = new Uint8Array(32).fill(3);

export interface BenchChain {
  genesis: LedgerGenesis;
  scp: ReturnType<typeof benchSite>['scp'];
  site: ReturnType<typeof benchSite>['site'];
  blocks: ChainBlock[];
  envelopes: number;
}

/** `blocks` certified blocks of `perBlock` uploads (two KPI values each) from one site. */
export async function benchChain(blocks: number, perBlock: number): Promise<BenchChain> {
  const kpis = [12201, 12202];
  const { scp, site, uploads } = benchSite(kpis, 4);
  const validators = [1, 2, 3, 4].map((i) => ed25519FromSeed(new Uint8Array(32).fill(i)));
  const genesis: LedgerGenesis = {
    chainId: CHAIN_ID,
    validators: validators.map((k) => k.publicKey),
    admins: [validators[0]!.publicKey],
    threshold: 1,
    sites: [
      {
        type: 'registerSite',
        publicKey: unhex(site.publicKey, 32, 'site key'),
        country: site.country,
        city: site.city,
        siteId: unhex(site.siteId, 16, 'site ID'),
        kpiCodes: kpis,
      },
    ],
    scpKeys: [{ publicKey: scp.publicKey, notBefore: 0, notAfter: BENCH_T + 48 * H }],
    params: { periodMs: H, maxBlockEnvelopes: 4000, maxBlockBytes: 16_000_000, viewTimeoutMs: 4000 },
  };
  const envs = await uploads(blocks * perBlock, 'session');
  const ledger = new Contracts(genesisState(genesis).state, CHAIN_ID);
  const hashLog = LogFrontier.empty();
  hashLog.append(CHAIN_ID);
  let parent: Uint8Array = CHAIN_ID;
  const out: ChainBlock[] = [];
  for (let height = 1; height <= blocks; height++) {
    const envelopes = envs.slice((height - 1) * perBlock, height * perBlock);
    const header: BlockHeader = {
      chainId: CHAIN_ID,
      height,
      view: 0,
      // After every upload's time, so none is judged to come from the future.
      time: BENCH_T + blocks * perBlock + height * 1000,
      parentHash: parent,
      txRoot: new MerkleTree(envelopes.map(tracingCode)).root(),
      txCount: envelopes.length,
      stateRoot: ledger.stateRoot(),
      validatorSetHash: validatorSetHash(genesis.validators),
      proposer: 0,
      hashLogRoot: hashLog.root(),
    };
    const blockHash = sha256(blockHeaderHashInput(encodeBlockHeader(header)));
    const vote = commitSigningBytes(CHAIN_ID, 0, height, blockHash);
    const certificate = {
      height,
      view: 0,
      blockHash,
      signatures: [0, 1, 2].map((v) => ({ validator: v, signature: sign(validators[v]!, vote) })),
    };
    const execution = ledger.applyBlock({ header, envelopes });
    const refused = execution.receipts.filter((r) => r.reason !== 0).length;
    if (refused > 0) throw new Error(`bench chain: block ${height} refused ${refused} uploads`);
    out.push({ height, certifiedBlock: encodeCertifiedBlock({ block: { header, envelopes }, certificate }) });
    parent = blockHash;
    hashLog.append(blockHash);
  }
  return { genesis, scp, site, blocks: out, envelopes: blocks * perBlock };
}
