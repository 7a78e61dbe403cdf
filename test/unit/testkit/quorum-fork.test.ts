// The test kit's colluding quorum (testkit/quorum-fork.ts): the other block it certifies at a
// committed height passes the client-side certificate check with another hash, fewer keys than a
// quorum refuse, a node wrapped with it serves such headers from GetHeaders only, its keys come
// from a cluster folder's keystores, and the node switch takes it only with --testkit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeApi } from '../../../api/handlers.js';
import { verifyCertifiedHeader } from '../../../api/hash-log-verify.js';
import { testkitSwitch } from '../../../cli/testkit-switch.js';
import { decodeBlockHeader } from '../../../codec/block.js';
import { toHex } from '../../../crypto/bytes.js';
import { generateKeystore } from '../../../crypto/keystore.js';
import { remoteBlockHash } from '../../../ledger/xchain/remote-header.js';
import { LIE_FROM_HEIGHT } from '../../../testkit/lying-node.js';
import { clusterValidatorKeys, forkCertifiedHeader, quorumForkApi } from '../../../testkit/quorum-fork.js';
import { headerBytesOf, keyPair, linkedChain, tempDir, testChain } from '../store/fixtures.js';

const chain = testChain();
const set = chain.validators.map((v) => v.publicKey);
const { blocks } = linkedChain(chain, 3);
const committed = headerBytesOf(blocks[1]!);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('forkCertifiedHeader', () => {
  it('certifies another block of the same height with a quorum of the set', () => {
    // Three of four keys, given out of order and with an outsider among them.
    const keys = [chain.validators[3]!, keyPair(200), chain.validators[0]!, chain.validators[2]!];
    const fork = forkCertifiedHeader(committed, set, keys);
    const a = verifyCertifiedHeader(committed, chain.genesis.chainId, set);
    const b = verifyCertifiedHeader(fork, chain.genesis.chainId, set);
    expect(b.header.height).toBe(a.header.height);
    expect(toHex(b.blockHash)).not.toBe(toHex(a.blockHash));
    expect(b.header.time).toBe(a.header.time + 1);
    expect(toHex(b.header.parentHash)).toBe(toHex(a.header.parentHash));
  });

  it('refuses keys short of a quorum', () => {
    expect(() => forkCertifiedHeader(committed, set, chain.validators.slice(0, 2))).toThrow(
      /hold 2 of the 4 validators, a quorum is 3/,
    );
  });
});

describe('quorumForkApi', () => {
  const schedule = new TextEncoder().encode(JSON.stringify([{ activateAt: 0, value: set.map(toHex) }]));
  const honest = {
    getHeaders: async () => ({ headers: blocks.map(headerBytesOf), nextHeight: 0, tip: 3 }),
    getState: async (key: string) => ({
      entries: key === 'gov/validators' ? [{ key, value: schedule }] : [],
      height: 3,
      proof: null,
    }),
    getStatus: async () => ({ height: 3 }),
  } as unknown as NodeApi;

  it('serves the other block of each height from LIE_FROM_HEIGHT on, certified by the set', async () => {
    const api = quorumForkApi(honest, chain.validators.slice(1));
    const page = await api.getHeaders({ fromHeight: 1, toHeight: 3, maxCount: 3 });
    const served = page.headers;
    expect(served).toHaveLength(3);
    for (const [i, h] of served.entries()) {
      const real = headerBytesOf(blocks[i]!);
      const same = toHex(remoteBlockHash(h.header)) === toHex(remoteBlockHash(real.header));
      expect(same).toBe(h.height < LIE_FROM_HEIGHT);
      expect(decodeBlockHeader(h.header).height).toBe(h.height);
      expect(verifyCertifiedHeader(h, chain.genesis.chainId, set).header.height).toBe(h.height);
    }
    expect(await api.getStatus()).toEqual({ height: 3 });
  });
});

describe('clusterValidatorKeys and the node switch', () => {
  it("opens every node-<i>/node.key of a cluster folder with the folder's passphrase", async () => {
    const dir = join(tmp.dir, 'cluster');
    mkdirSync(join(dir, 'node-0'), { recursive: true });
    mkdirSync(join(dir, 'node-1'), { recursive: true });
    writeFileSync(join(dir, 'passphrase'), 'pass\n', { mode: 0o600 });
    const made = [
      await generateKeystore(join(dir, 'node-0', 'node.key'), 'ed25519', 'pass'),
      await generateKeystore(join(dir, 'node-1', 'node.key'), 'ed25519', 'pass'),
    ];
    const keys = await clusterValidatorKeys(dir);
    expect(keys.map((k) => toHex(k.publicKey)).sort()).toEqual(made.map((k) => toHex(k.publicKey)).sort());

    const kit = testkitSwitch(true, { BKDMS_TESTKIT_QUORUM_FORK: dir });
    expect(kit?.quorumFork).toBe(dir);
    expect(kit?.options.wrapApi).toBeUndefined();
    await kit?.prepare?.();
    expect(kit?.options.wrapApi).toBeTypeOf('function');
  });

  it('refuses a folder without keystores, and the variable without --testkit', async () => {
    await expect(clusterValidatorKeys(join(tmp.dir, 'none'))).rejects.toThrow(/no cluster passphrase file/);
    expect(() => testkitSwitch(false, { BKDMS_TESTKIT_QUORUM_FORK: tmp.dir })).toThrow(/--testkit is not/);
  });
});
