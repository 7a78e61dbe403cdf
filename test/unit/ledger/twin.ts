// One chain fed to both users of ledger/: a node's persisted ledger (PersistedLedger over a
// MemoryDb) and the platform's extractor (over its in-memory store). The node plays the proposer:
// each block's header carries the node's state root and validator set, certified by a quorum of
// the validators in force at that height, so the platform checks the node's execution against its
// own at every block. Both can be restarted from what they persisted.
import { encodeBlockHeader } from '../../../codec/block.js';
import { decodeCertifiedBlock, encodeCertifiedBlock } from '../../../codec/certificate.js';
import { blockHeaderHashInput, commitSigningBytes } from '../../../codec/signing.js';
import type { BlockHeader } from '../../../codec/types.js';
import { commitQuorum, validatorSetHash } from '../../../crypto/certificate.js';
import { type Ed25519KeyPair, sign } from '../../../crypto/ed25519.js';
import { sha256, tracingCode } from '../../../crypto/hash.js';
import { LogFrontier } from '../../../crypto/hash-log.js';
import { merkleRoot } from '../../../crypto/merkle.js';
import type { Receipt } from '../../../ledger/execution.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb, readContractState } from '../../../node/store/index.js';
import { Extractor } from '../../../platform/extractor.js';
import { hex } from '../../../platform/hex.js';
import { PacketOpener } from '../../../platform/packet-opener.js';
import { PlatformStore } from '../../../platform/store.js';
import { type TestChain, tempDir } from '../store/fixtures.js';

/** Everything either side answers about the chain, in one comparable shape (hex bytes). */
export interface Answers {
  stateRoot: string;
  validators: string[][];
  sites: { keyId: string; publicKey: string; status: number; siteId: string; kpiCodes: number[] }[];
  scpKeys: { keyId: string; publicKey: string; notBefore: number; notAfter: number; retired: boolean }[];
}

export class Twin {
  /** The last block's hash; block 1's parent is the genesis hash (the chain ID). */
  private parent: Uint8Array | undefined;
  /** The block-hash log over the blocks so far, the proposer's (crypto/hash-log.ts). */
  private readonly hashLog = LogFrontier.empty();
  private readonly db = new MemoryDb();
  private readonly tmp = tempDir();
  readonly store = PlatformStore.memory();
  private readonly keys = new Map<string, Ed25519KeyPair>();

  private constructor(
    readonly chain: TestChain,
    public node: PersistedLedger,
    public platform: Extractor,
  ) {}

  /** `signers`: every validator key pair the chain may ever be certified by (genesis and later). */
  static async open(chain: TestChain, signers: Ed25519KeyPair[]): Promise<Twin> {
    const t = new Twin(chain, undefined as never, undefined as never);
    for (const k of [...chain.validators, ...signers]) t.keys.set(hex(k.publicKey), k);
    await t.reopen();
    return t;
  }

  /** Closes the node's ledger and reopens both sides from what they persisted. */
  async reopen(): Promise<void> {
    await this.node?.close();
    this.node = await PersistedLedger.open(this.tmp.dir, this.chain.genesis, { db: this.db.reopen() });
    this.platform = await Extractor.open(
      this.store,
      this.chain.genesis,
      new PacketOpener([]),
      'bkdms://twin',
    );
  }

  get height(): number {
    return this.node.tip()?.height ?? 0;
  }

  /** Block time of the block at `height`. */
  time(height = this.height + 1): number {
    return this.chain.genesis.genesisTime + height * 1000;
  }

  /** Builds the next block as the node would propose it, commits it on the node, extracts it. */
  async block(envelopes: Uint8Array[]): Promise<Receipt[]> {
    const height = this.height + 1;
    const validators = this.node.contracts.validators(height);
    const parentHash = this.parent ?? this.chain.genesis.chainId;
    if (this.hashLog.size === 0) this.hashLog.append(parentHash);
    const header: BlockHeader = {
      chainId: this.chain.genesis.chainId,
      height,
      view: 0,
      time: this.time(height),
      parentHash,
      txRoot: merkleRoot(envelopes.map(tracingCode)),
      txCount: envelopes.length,
      stateRoot: this.node.contracts.stateRoot(),
      validatorSetHash: validatorSetHash(validators),
      proposer: 0,
      hashLogRoot: this.hashLog.root(),
    };
    const blockHash = sha256(blockHeaderHashInput(encodeBlockHeader(header)));
    const vote = commitSigningBytes(this.chain.genesis.chainId, 0, height, blockHash);
    const signatures = validators.slice(0, commitQuorum(validators.length)).map((pub, validator) => {
      const key = this.keys.get(hex(pub));
      if (key === undefined) throw new Error(`no key pair for validator ${hex(pub)}`);
      return { validator, signature: sign(key, vote) };
    });
    const bytes = encodeCertifiedBlock({
      block: { header, envelopes },
      certificate: { height, view: 0, blockHash, signatures },
    });
    const { execution } = await this.node.commit(bytes, decodeCertifiedBlock(bytes));
    await this.platform.apply(height, bytes);
    this.parent = blockHash;
    this.hashLog.append(blockHash);
    return execution.receipts;
  }

  /** The node's answers (its contracts and what its store holds). */
  async nodeAnswers(upTo: number): Promise<Answers> {
    const c = this.node.contracts;
    const root = await this.node.store.stateRoot(this.height);
    return {
      stateRoot: hex(root ?? new Uint8Array(0)),
      validators: heights(upTo).map((h) => c.validators(h).map(hex)),
      sites: c.sites().map((s) => ({
        keyId: hex(s.keyId),
        publicKey: hex(s.publicKey),
        status: s.status,
        siteId: hex(s.siteId),
        kpiCodes: s.kpiCodes,
      })),
      scpKeys: c.scpKeys().map((k) => ({
        keyId: hex(k.keyId),
        publicKey: hex(k.publicKey),
        notBefore: k.notBefore,
        notAfter: k.notAfter,
        retired: k.retired,
      })),
    };
  }

  /** The platform's answers (its view of its ledger and its checkpoint). */
  async platformAnswers(upTo: number): Promise<Answers> {
    const v = this.platform.chain;
    return {
      stateRoot: (await this.store.checkpoint())?.stateRoot ?? '',
      validators: heights(upTo).map((h) => v.validatorsAt(h).map(hex)),
      sites: Object.entries(v.sites()).map(([keyId, s]) => ({
        keyId,
        publicKey: s.publicKey,
        status: s.status,
        siteId: s.siteId,
        kpiCodes: s.kpiCodes,
      })),
      scpKeys: v.scpKeys(),
    };
  }

  /** The contract state each side persisted: (key, value bytes), by key. */
  async persisted(): Promise<{ node: [string, Uint8Array][]; platform: [string, Uint8Array][] }> {
    return { node: await readContractState(this.db), platform: await this.store.stateEntries() };
  }

  async close(): Promise<void> {
    await this.node.close();
    this.tmp.cleanup();
  }
}

function heights(upTo: number): number[] {
  return Array.from({ length: upTo }, (_, i) => i + 1);
}
