// A colluding quorum of a test cluster, for the cross-chain light client's misbehaviour path on
// real processes (docs/cross-chain.md §2, docs/operations.md "Test-kit modes"). One equivocating
// validator is never certified twice (honest replicas sign one block per height), so a second
// CERTIFIED header of a height the chain committed needs 2f + 1 validators signing both: this
// module holds the keystores of a whole local test cluster and signs, with a quorum of them, a
// header of the same height, chain and set as a committed one but of another block (its time one
// millisecond later). A node started with `--testkit` and BKDMS_TESTKIT_QUORUM_FORK=<cluster
// folder> serves such headers from GetHeaders (from LIE_FROM_HEIGHT on), which is what a relayer
// comparing two of the chain's nodes finds and brings to the other chain as misbehaviour.
// Test-only: nothing outside the test-kit switch and the tests imports it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeApi } from '../api/handlers.js';
import type { HeadersPage } from '../api/types.js';
import { decodeBlockHeader, encodeBlockHeader } from '../codec/block.js';
import { decodeCommitCertificate, encodeCommitCertificate } from '../codec/certificate.js';
import { commitSigningBytes } from '../codec/signing.js';
import { toHex } from '../crypto/bytes.js';
import { type Ed25519KeyPair, sign } from '../crypto/ed25519.js';
import { ed25519Of } from '../crypto/key-formats.js';
import { readKeystore } from '../crypto/keystore.js';
import { K } from '../ledger/records.js';
import { remoteBlockHash } from '../ledger/xchain/remote-header.js';
import { LIE_FROM_HEIGHT } from './lying-node.js';

/** The environment variable naming the cluster folder whose validator keystores collude. */
export const QUORUM_FORK_ENV = 'BKDMS_TESTKIT_QUORUM_FORK';

export interface CertifiedHeaderBytes {
  header: Uint8Array;
  certificate: Uint8Array;
}

/** 2f + 1 of n (f = ⌊(n − 1)/3⌋), the quorum a commit certificate needs. */
function quorumOf(n: number): number {
  return n - Math.floor((n - 1) / 3);
}

/**
 * Another block at the height of `committed`: the same header with its time one millisecond
 * later, so another hash, certified by the first quorum of `set` (the validator set in force at
 * that height, in schedule order) that `keys` hold, at the committed certificate's view. Throws
 * when the keys hold fewer than a quorum of the set.
 */
export function forkCertifiedHeader(
  committed: CertifiedHeaderBytes,
  set: readonly Uint8Array[],
  keys: readonly Ed25519KeyPair[],
): CertifiedHeaderBytes {
  const decoded = decodeBlockHeader(committed.header);
  const { view } = decodeCommitCertificate(committed.certificate);
  const byKey = new Map(keys.map((k) => [toHex(k.publicKey), k]));
  const signers = set
    .map((pub, validator) => ({ validator, key: byKey.get(toHex(pub)) }))
    .filter((s): s is { validator: number; key: Ed25519KeyPair } => s.key !== undefined)
    .slice(0, quorumOf(set.length));
  if (signers.length < quorumOf(set.length))
    throw new Error(
      `${QUORUM_FORK_ENV}: the keys hold ${signers.length} of the ${set.length} validators, a quorum is ${quorumOf(set.length)}`,
    );
  const header = encodeBlockHeader({ ...decoded, time: decoded.time + 1 });
  const blockHash = remoteBlockHash(header);
  const vote = commitSigningBytes(decoded.chainId, view, decoded.height, blockHash);
  const certificate = encodeCommitCertificate({
    height: decoded.height,
    view,
    blockHash,
    signatures: signers.map((s) => ({ validator: s.validator, signature: sign(s.key, vote) })),
  });
  return { header, certificate };
}

/**
 * The Ed25519 keys of every validator keystore of a local cluster folder (devnet/layout.ts:
 * `node-<i>/node.key`, all opened with the folder's `passphrase` file). Refuses a folder without
 * them, so a wrong path fails the node's start rather than its first answer.
 */
export async function clusterValidatorKeys(dir: string): Promise<Ed25519KeyPair[]> {
  const passFile = join(dir, 'passphrase');
  if (!existsSync(passFile)) throw new Error(`${QUORUM_FORK_ENV}: ${dir} holds no cluster passphrase file`);
  const passphrase = readFileSync(passFile, 'utf8').trim();
  const files = readdirSync(dir)
    .filter((name) => /^node-\d+$/.test(name))
    .map((name) => join(dir, name, 'node.key'))
    .filter((file) => existsSync(file));
  if (files.length === 0) throw new Error(`${QUORUM_FORK_ENV}: ${dir} holds no node-<i>/node.key`);
  return Promise.all(files.map(async (f) => ed25519Of(await readKeystore(f, passphrase))));
}

/** The validator set in force at `height` per the schedule `gov/validators` holds. */
function setAt(schedule: { activateAt: number; value: string[] }[], height: number): Uint8Array[] {
  let found = schedule[0]?.value ?? [];
  for (const s of schedule) if (s.activateAt <= height) found = s.value;
  return found.map((h) => Buffer.from(h, 'hex'));
}

/**
 * `inner` whose GetHeaders serves, from LIE_FROM_HEIGHT on, the colluding quorum's other block of
 * each height instead of the committed one. Everything else (consensus included) stays honest.
 */
export function quorumForkApi(inner: NodeApi, keys: readonly Ed25519KeyPair[]): NodeApi {
  const getHeaders = async (q: Parameters<NodeApi['getHeaders']>[0]): Promise<HeadersPage> => {
    const page = await inner.getHeaders(q);
    if (page.headers.every((h) => h.height < LIE_FROM_HEIGHT)) return page;
    const entry = (await inner.getState(K.validators, false)).entries[0];
    const schedule =
      entry === undefined
        ? []
        : (JSON.parse(new TextDecoder().decode(entry.value)) as { activateAt: number; value: string[] }[]);
    const headers = page.headers.map((h) =>
      h.height < LIE_FROM_HEIGHT ? h : { ...h, ...forkCertifiedHeader(h, setAt(schedule, h.height), keys) },
    );
    return { ...page, headers };
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'getHeaders') return getHeaders;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
