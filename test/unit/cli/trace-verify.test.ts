// `bkdms trace` and `bkdms verify` against a real gRPC server holding a genuine block: the bundle is
// fetched once; "verified" only under a trust anchor the caller holds (genesis file or pinned
// chain file), never the node's word; a genuine bundle of another chain run by the same keys is
// refused as WRONG_CHAIN; a set other than the anchor's is reported as such; `--out` writes the
// bundle file that `bkdms verify` checks with no network.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeTraceFile } from '../../../api/trace-file.js';
import type { TraceBundleBytes } from '../../../api/types.js';
import { toHex } from '../../../crypto/bytes.js';
import { ed25519FromSeed } from '../../../crypto/ed25519.js';
import { tracingCode } from '../../../crypto/hash.js';
import { parseGenesis } from '../../../node/genesis.js';
import { fakeEnvelope, makeBlock, validators } from '../api/chain-fixture.js';
import { bytes } from '../api/fake-node.js';
import { type Rig, startRig } from '../api/harness.js';
import { runCli } from './program.js';

const dir = mkdtempSync(join(tmpdir(), 'bkdms-trace-'));
const genesisJson = {
  chainName: 'trace-test',
  genesisTime: '2026-01-01T00:00:00Z',
  validators: validators.map(toHex),
  admins: { publicKeys: [toHex(bytes(32, 0x61))], threshold: 1 },
  params: { periodMs: 1000, maxBlockEnvelopes: 100, maxBlockBytes: 1_000_000, viewTimeoutMs: 5000 },
};
const chainId = parseGenesis(genesisJson).chainId;
const genesisFile = join(dir, 'genesis.json');
writeFileSync(genesisFile, JSON.stringify(genesisJson));

/** An envelope of `chain` with a readable sequence number and time. */
function envelope(i: number, chain: Uint8Array): Uint8Array {
  const e = fakeEnvelope(i, chain);
  const v = new DataView(e.buffer, e.byteOffset, e.byteLength);
  v.setBigUint64(50, BigInt(i));
  v.setBigUint64(58, 1_700_000_000_000n + BigInt(i));
  return e;
}
const block = makeBlock(
  3,
  [0, 1, 2],
  [1, 2, 3, 4, 5].map((i) => envelope(i, chainId)),
  chainId,
);
const code = toHex(tracingCode(block.envelopes[2]!));
// The same validator keys running another chain: a genuine bundle, of the wrong chain.
const otherChain = bytes(32, 0xdd);
const foreign = makeBlock(
  3,
  [0, 1, 2],
  [1, 2, 3, 4, 5].map((i) => envelope(i, otherChain)),
  otherChain,
);

function anchorFile(name: string, chain: Uint8Array, keys: readonly Uint8Array[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ chainId: toHex(chain), validators: keys.map(toHex) }));
  return path;
}

let rig: Rig;
let rpc: string;
beforeAll(async () => {
  rig = await startRig();
  rpc = `127.0.0.1:${rig.server.port}`;
  rig.node.trace = async (tc) => {
    rig.node.seen.push({ method: 'trace', arg: tc });
    return toHex(tc) === code ? block.trace(2) : foreign.trace(2);
  };
});
afterAll(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

const traceCalls = (): number => rig.node.seen.filter((s) => s.method === 'trace').length;

describe('bkdms trace', () => {
  it('with --genesis: one fetch, verified, and only what was verified', async () => {
    const before = traceCalls();
    const out = JSON.parse(await runCli(['trace', code, '--rpc', rpc, '--genesis', genesisFile, '--json']));
    expect(traceCalls() - before).toBe(1);
    expect(out).toMatchObject({
      verified: true,
      trustAnchor: `genesis ${genesisFile}`,
      chainId: toHex(chainId),
      tracingCode: code,
      height: 3,
      leafIndex: 2,
      txCount: 5,
      envelope: { seq: 3, signerKeyId: toHex(block.envelopes[2]!.subarray(34, 50)) },
      certificate: { signatures: 3, validators: 4, quorum: 3 },
    });
    expect(out.blockHash).toBe(toHex(block.certificate.blockHash));
    expect(process.exitCode).toBeUndefined();
  });

  it('without a trust anchor: NOT VERIFIED, exit code 1, and no claim of the node printed', async () => {
    const text = await runCli(['trace', code, '--rpc', rpc]);
    expect(text).toMatch(/^NOT VERIFIED: no trust anchor/);
    expect(text).not.toContain('verified: true');
    expect(text).not.toContain(toHex(block.certificate.blockHash));
    expect(process.exitCode).toBe(1);
    const json = JSON.parse(await runCli(['trace', code, '--rpc', rpc, '--json']));
    expect(json).toMatchObject({ verified: false, reason: 'NO_TRUST_ANCHOR' });
    expect(json.height).toBeUndefined();
  });

  it('refuses a genuine bundle of another chain with the same validator keys', async () => {
    const otherCode = toHex(tracingCode(foreign.envelopes[2]!));
    const json = JSON.parse(
      await runCli(['trace', otherCode, '--rpc', rpc, '--genesis', genesisFile, '--json']),
    );
    expect(json).toMatchObject({ verified: false, reason: 'WRONG_CHAIN' });
    expect(process.exitCode).toBe(1);
  });

  it('--out saves the bundle; bkdms verify checks it with no network', async () => {
    const file = join(dir, 'bundle.bin');
    await runCli(['trace', code, '--rpc', rpc, '--genesis', genesisFile, '--out', file, '--json']);
    const hexed = (t: TraceBundleBytes) => ({
      ...t,
      envelope: toHex(t.envelope),
      header: toHex(t.header),
      proof: t.proof.map(toHex),
      certificate: toHex(t.certificate),
    });
    expect(hexed(decodeTraceFile(readFileSync(file)))).toEqual(hexed(block.trace(2)));
    await rig.close(); // no node from here on
    const text = await runCli(['verify', file, '--genesis', genesisFile]);
    expect(text).toContain('verified: true');
    expect(text).toContain(`envelope ${code}`);
    expect(text).toContain(`leaf 2 of 5 in block 3 of chain ${toHex(chainId)}`);
    expect(text).toContain('by 3 of 4 validators (quorum 3)');
    const pinned = anchorFile('pinned.json', chainId, validators);
    expect(JSON.parse(await runCli(['verify', file, '--anchor', pinned, '--json'])).verified).toBe(true);
    expect(process.exitCode).toBeUndefined();
    const wrong = anchorFile('other-chain.json', otherChain, validators);
    expect(JSON.parse(await runCli(['verify', file, '--anchor', wrong, '--json']))).toMatchObject({
      verified: false,
      reason: 'WRONG_CHAIN',
    });
    const other = JSON.parse(
      await runCli(['verify', file, '--genesis', genesisFile, '--tracing-code', '00'.repeat(32), '--json']),
    );
    expect(other).toMatchObject({ verified: false, reason: 'OTHER_ENVELOPE' });
  });

  it('a block certified by a set other than the anchor’s is reported as such, not as a bad certificate', async () => {
    const file = join(dir, 'bundle-set.bin');
    writeFileSync(file, readFileSync(join(dir, 'bundle.bin')));
    const later = [9, 10, 11, 12].map((i) => ed25519FromSeed(bytes(32, i)).publicKey);
    const anchor = anchorFile('genesis-set.json', chainId, later);
    const text = await runCli(['verify', file, '--anchor', anchor]);
    expect(text).toMatch(/^NOT VERIFIED: the block at height 3 is certified by a validator set other than/);
    expect(text).toContain('reason: VALIDATOR_SET_NOT_ANCHORED');
    expect(process.exitCode).toBe(1);
  });
});
