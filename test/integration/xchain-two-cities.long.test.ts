// Two city chains feeding one regional chain through the `bkdms` commands: B's administrator
// registers a light client of each city chain (A and C), each listing its own relayer key; two
// `bkdms relay` processes run at once, one per client, and each brings its city's headers; one
// envelope of each city is recorded on B with `bkdms xchain import-fact`; a relayer's key is
// refused on the other city's client (NotRelayer); `bkdms xchain clients` (proven) lists both
// clients Active with their own remote chains, and C's fact traces across to C's genesis only.
// One-node chains: what is tested is B holding two counterparties, not consensus.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { ed25519Of } from '../../crypto/key-formats.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { clusterPassphrase } from '../../devnet/layout.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { bkdms, type Run, Supervised } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForClientHeight } from '../support/cluster.js';

let a: TestCluster;
let c: TestCluster;
let b: TestCluster;
const relayers: Supervised[] = [];

beforeAll(async () => {
  [a, c, b] = await Promise.all([startTestCluster(1, 1), startTestCluster(1, 1), startTestCluster(1, 1)]);
}, 300_000);

afterAll(async () => {
  for (const r of relayers) r.kill();
  await Promise.all([a?.dispose(), c?.dispose(), b?.dispose()]);
});

function ok(r: Run): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const seqs = new Map<TestCluster, number>();
/** One more envelope committed on chain x; returns its tracing code. */
async function grow(x: TestCluster): Promise<string> {
  const seq = (seqs.get(x) ?? 0) + 1;
  seqs.set(x, seq);
  const env = syntheticEnvelope(x.sites[0]!, x.chainId, x.scp.publicKey, seq, Date.now());
  const h = (await x.client(0).getStatus()).height;
  await x.client(0).upload(env);
  await waitForClientHeight(x.client(0), h + 1, 60_000);
  return toHex(tracingCode(env));
}

describe('two city chains feeding one regional chain', () => {
  it('two clients on B, a relayer each, facts of both cities recorded and listed', async () => {
    const adminEnv = { BKDMS_ADMIN_PASSPHRASE: clusterPassphrase(b.dir) };
    const passFile = join(b.dir, 'relayer-pass');
    writeFileSync(passFile, 'relayer passphrase\n');
    chmodSync(passFile, 0o600);
    const cities = [
      { chain: a, id: '1', key: join(b.dir, 'relayer-a.key') },
      { chain: c, id: '2', key: join(b.dir, 'relayer-c.key') },
    ];
    for (const city of cities) {
      const pub = ed25519Of(await generateKeystore(city.key, 'ed25519', 'relayer passphrase')).publicKey;
      await grow(city.chain);
      const reg = JSON.parse(
        ok(
          await bkdms(
            [
              'gov',
              'propose',
              'register-counterparty',
              '--client',
              city.id,
              '--remote-rpc',
              city.chain.rpc[0]!,
              '--remote-genesis',
              city.chain.layout.genesisPath,
              '--relayer',
              toHex(pub),
              // Updates fall due after a third of it: 24 s, so the relayers act within the test.
              '--trusting-period-hours',
              '0.02',
              '--rpc',
              b.rpc[0]!,
              '--key',
              b.layout.adminKeystore,
            ],
            adminEnv,
          ),
        ),
      );
      expect(reg.open).toBe(false);
    }
    const flags = (city: (typeof cities)[number], key = city.key) => [
      '--from',
      city.chain.rpc[0]!,
      '--to',
      b.rpc[0]!,
      '--client',
      city.id,
      '--key',
      key,
      '--passphrase-file',
      passFile,
    ];

    // Two relayers at once, one per client: each brings a newer header of its own city.
    for (const city of cities) await grow(city.chain);
    const running = cities.map((city) => {
      const r = new Supervised(['relay', ...flags(city), '--interval-ms', '500', '--json']);
      relayers.push(r);
      return r;
    });
    for (const r of running) {
      expect(await r.line(/"kind":"updated"/)).toMatch(/"kind":"updated","height":\d+,"result":""/);
      r.kill();
      await r.exited;
    }
    for (const l of running.flatMap((r) => r.lines))
      expect(l).not.toMatch(/"kind":"(error|misbehaviour|frozen)"/);

    // One fact of each city recorded on B by its own relayer.
    const factA = await grow(a);
    const factC = await grow(c);
    for (const [city, fact] of [
      [cities[0]!, factA],
      [cities[1]!, factC],
    ] as const) {
      const out = JSON.parse(
        ok(
          await bkdms(
            ['xchain', 'import-fact', ...flags(city), '--tracing-code', fact, '--update', '--json'],
            {},
            60_000,
          ),
        ),
      );
      expect(out).toMatchObject({ clientId: Number(city.id), kind: 'submitted', result: '' });
    }
    // A relayer key of one client signs nothing for the other (checked before anything else, so
    // not FactExists either).
    const crossed = await bkdms(
      ['xchain', 'import-fact', ...flags(cities[1]!, cities[0]!.key), '--tracing-code', factC, '--json'],
      {},
      60_000,
    );
    expect(crossed.code).toBe(1);
    expect(JSON.parse(crossed.stdout)).toMatchObject({ kind: 'submitted', result: 'NotRelayer' });

    await grow(b);

    const listed = JSON.parse(
      ok(await bkdms(['xchain', 'clients', '--rpc', b.rpc[0]!, '--genesis', b.layout.genesisPath, '--json'])),
    );
    expect(listed.verified).toBe(true);
    expect(
      (listed.clients as { clientId: number; remoteChainId: string; status: string }[]).map((x) => [
        x.clientId,
        x.remoteChainId,
        x.status,
      ]),
    ).toEqual([
      [1, toHex(a.chainId), 'Active'],
      [2, toHex(c.chainId), 'Active'],
    ]);

    // C's fact traced from B: verified against C's genesis, refused against A's.
    const trace = (remoteGenesis: string) =>
      bkdms([
        'trace',
        factC,
        '--client',
        '2',
        '--rpc',
        b.rpc[0]!,
        '--genesis',
        b.layout.genesisPath,
        '--remote-genesis',
        remoteGenesis,
        '--json',
      ]);
    expect(JSON.parse(ok(await trace(c.layout.genesisPath)))).toMatchObject({
      verified: true,
      clientId: 2,
      remote: { chainId: toHex(c.chainId) },
    });
    const wrong = await trace(a.layout.genesisPath);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ verified: false, reason: 'WRONG_REMOTE_CHAIN' });
  }, 600_000);
});
