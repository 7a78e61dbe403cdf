// The `bkdms relay` process between two real 4-node chains: B's light client of A follows A with
// two relayers running at once (each costs the other DuplicateUpdate receipts only), a relayer
// killed with SIGKILL and started again resumes from B's client, a client left without updates
// for its trusting period expires and refuses the next update, and governance recovers it with a
// substitute client registered from a fresh header.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlockHeader } from '../../codec/block.js';
import { ed25519Of } from '../../crypto/key-formats.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { clusterAdminKey } from '../../devnet/layout.js';
import { type ClientRecord, XK } from '../../ledger/xchain/records.js';
import { Admin } from '../../platform/admin.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { Supervised } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForClientHeight } from '../support/cluster.js';

let a: TestCluster;
let b: TestCluster;
const relayers: Supervised[] = [];
/**
 * Short, so that updates are due every 40 s and the client expires 2 min after its latest header;
 * long enough for a relayer process to start and decrypt its key on a loaded machine.
 */
const TRUSTING_MS = 120_000;

beforeAll(async () => {
  [a, b] = await Promise.all([startTestCluster(4, 1), startTestCluster(4, 1)]);
}, 300_000);

afterAll(async () => {
  for (const r of relayers) r.kill();
  await Promise.all([a?.dispose(), b?.dispose()]);
});

async function clientOnB(id: number): Promise<ClientRecord> {
  const e = (await b.client(0).getState(XK.client(id))).entries[0];
  if (e === undefined) throw new Error(`no client ${id} on B`);
  return JSON.parse(new TextDecoder().decode(e.value)) as ClientRecord;
}

let seqA = 0;
/** One more envelope committed on A, so that A has a newer header to relay. */
async function growA(): Promise<number> {
  const env = syntheticEnvelope(a.sites[0]!, a.chainId, a.scp.publicKey, ++seqA, Date.now());
  const h = (await a.client(0).getStatus()).height;
  await a.client(0).upload(env);
  await waitForClientHeight(a.client(0), h + 1, 60_000, 'chain A');
  return h + 1;
}

/** A JSON step line of a relayer process reporting an update of the given result. */
function updateLine(result: string): RegExp {
  return new RegExp(`"kind":"updated","height":\\d+,"result":"${result}"`);
}

describe('bkdms relay between two 4-node chains', () => {
  it('two relayers, a kill and a restart, expiry, recovery by a substitute client', async () => {
    await growA();
    const dir = b.dir;
    const passFile = join(dir, 'relayer-pass');
    writeFileSync(passFile, 'relayer passphrase\n');
    chmodSync(passFile, 0o600);
    const keyFile = join(dir, 'relayer.key');
    const relayerKey = ed25519Of(await generateKeystore(keyFile, 'ed25519', 'relayer passphrase'));
    const admin = new Admin(b.client(0), {
      chainId: b.chainId,
      key: await clusterAdminKey(b.layout),
      receiptPollMs: 100,
    });
    const validators = (await a.client(0).getStatus()).validators;
    const register = async (clientId: number) => {
      const h = (await a.client(0).getStatus()).height;
      const trusted = (await a.client(0).getHeaders({ fromHeight: h, toHeight: h, maxCount: 1 })).headers[0]!;
      return admin.propose({
        type: 'registerCounterparty',
        clientId,
        trustedHeader: trusted.header,
        validators,
        trustingPeriodMs: TRUSTING_MS,
        maxClockDriftMs: 10_000,
        relayers: [relayerKey.publicKey],
      });
    };
    await register(1);
    const start = (...extra: string[]) => {
      const r = new Supervised([
        'relay',
        '--from',
        a.rpc[0]!,
        a.rpc[1]!,
        '--to',
        b.rpc[0]!,
        '--client',
        '1',
        '--key',
        keyFile,
        '--passphrase-file',
        passFile,
        '--interval-ms',
        '500',
        '--json',
        ...extra,
      ]);
      relayers.push(r);
      return r;
    };

    // Two relayers at once: updates are applied; the loser of a race is refused DuplicateUpdate
    // (or finds the client fresh) and nothing else goes wrong.
    const r1 = start();
    const r2 = start();
    await growA();
    // The first update either prints: anything but applied or DuplicateUpdate fails here, at once.
    expect(await Promise.any([r1.line(updateLine('\\w*')), r2.line(updateLine('\\w*'))])).toMatch(
      updateLine('(|DuplicateUpdate)'),
    );
    await Promise.any([r1.line(updateLine('')), r2.line(updateLine(''))]);
    for (const l of [...r1.lines, ...r2.lines].filter((x) => x.includes('"kind":"updated"')))
      expect(l).toMatch(updateLine('(|DuplicateUpdate)'));
    for (const l of [...r1.lines, ...r2.lines]) expect(l).not.toMatch(/"kind":"(error|misbehaviour|frozen)"/);
    const afterTwo = await clientOnB(1);
    expect(afterTwo.frozenHeight).toBe(0);

    // Killed mid-run; a new relayer resumes from B's client with A's newer headers.
    r1.kill();
    r2.kill();
    await Promise.all([r1.exited, r2.exited]);
    const grown = await growA();
    const r3 = start();
    const resumed = await r3.line(updateLine('\\w*'));
    expect(resumed).toMatch(updateLine(''));
    expect(Number(/"height":(\d+)/.exec(resumed)![1])).toBeGreaterThanOrEqual(grown);
    expect((await clientOnB(1)).latestHeight).toBeGreaterThan(afterTwo.latestHeight);
    r3.kill();
    await r3.exited;

    // No relayer for a trusting period: once B's block time passes it, the client is expired and
    // refuses the next update (B's blocks come from uploads of B's own site).
    const latest = await clientOnB(1);
    const consTime = (
      JSON.parse(
        new TextDecoder().decode(
          (await b.client(0).getState(XK.consensus(1, latest.latestHeight))).entries[0]!.value,
        ),
      ) as { time: number }
    ).time;
    let seqB = 0;
    for (;;) {
      const env = syntheticEnvelope(b.sites[0]!, b.chainId, b.scp.publicKey, ++seqB, Date.now());
      const h = (await b.client(0).getStatus()).height;
      await b.client(0).upload(env);
      await waitForClientHeight(b.client(0), h + 1, 60_000, 'chain B');
      const block = (await b.client(0).getHeaders({ fromHeight: h + 1, toHeight: h + 1, maxCount: 1 }))
        .headers[0]!;
      if (decodeBlockHeader(block.header).time >= consTime + TRUSTING_MS) break;
      // Bounded by the clock, not by a count: B makes a block per upload, quickly when idle.
      expect(Date.now()).toBeLessThan(consTime + TRUSTING_MS + 300_000);
    }
    await growA();
    const r4 = start('--once');
    await r4.line(updateLine('ClientExpired'));

    // Recovery: a substitute registered from A's current header; governance moves it into client 1.
    await register(2);
    await admin.propose({ type: 'recoverClient', clientId: 1, substituteId: 2 });
    const recovered = await clientOnB(1);
    expect(recovered.latestHeight).toBe((await clientOnB(2)).latestHeight);
    await growA();
    await growA();
    const r5 = start();
    expect(await r5.line(updateLine('\\w*'))).toMatch(updateLine(''));
    expect((await clientOnB(1)).latestHeight).toBeGreaterThan(recovered.latestHeight);
  }, 900_000);
});
