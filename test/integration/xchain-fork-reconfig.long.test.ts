// Chain B's light client of chain A on two real 4-node chains, through the `bkdms` commands:
// - misbehaviour from A: node 3 of A is restarted with the test kit's colluding quorum
//   (testkit/quorum-fork.ts, the keystores of 3 of A's 4 validators), so it serves a second
//   certified header for the heights A committed; a `bkdms relay` comparing nodes 0 and 3 brings
//   the two headers to B, B's client freezes (status read with a proof, evidence stored), B's nodes
//   raise `xchain-client-frozen`, a further update is refused ClientFrozen, and governance
//   recovers the client from a substitute;
// - A's validator set changes (governance through the CLI removes node 3): the relayer carries the
//   change with its schedule proof while the old set still certifies, B's client accepts a header
//   signed by the new set, and the two-chain trace of an envelope A committed after the change
//   verifies (`bkdms trace --client`, then `bkdms verify` in its own process).
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClientReadableStream, credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsService } from '../../api/alarms.js';
import { toHex } from '../../crypto/bytes.js';
import { validatorSetHash } from '../../crypto/certificate.js';
import { tracingCode } from '../../crypto/hash.js';
import { ed25519Of } from '../../crypto/key-formats.js';
import { generateKeystore, readKeystore } from '../../crypto/keystore.js';
import { clusterPassphrase } from '../../devnet/layout.js';
import { type ClientRecord, type ConsensusRecord, XK } from '../../ledger/xchain/records.js';
import { Admin } from '../../platform/admin.js';
import { Relayer } from '../../platform/relay/relayer.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { QUORUM_FORK_ENV } from '../../testkit/quorum-fork.js';
import { bkdms, type Run, Supervised } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForClientHeight } from '../support/cluster.js';

let a: TestCluster;
let b: TestCluster;
/** Set once node 3 of A is to collude: its next start takes the test kit's quorum fork. */
let colluding = false;
const relayers: Supervised[] = [];
const COLLUDER = 3;

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestCluster(4, 1, {
      perNode: (i) =>
        i === COLLUDER && colluding ? { env: { [QUORUM_FORK_ENV]: a.dir }, args: ['--testkit'] } : {},
    }),
    startTestCluster(4, 1),
  ]);
}, 300_000);

afterAll(async () => {
  for (const r of relayers) r.kill();
  await Promise.all([a?.dispose(), b?.dispose()]);
});

function ok(r: Run): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const dec = new TextDecoder();
async function record<T>(key: string): Promise<T> {
  const e = (await b.client(0).getState(key)).entries[0];
  if (e === undefined) throw new Error(`no ${key} on B`);
  return JSON.parse(dec.decode(e.value)) as T;
}

let seqA = 0;
/** One more envelope committed on A; returns its height and tracing code. */
async function growA(): Promise<{ height: number; tracingCode: string }> {
  const env = syntheticEnvelope(a.sites[0]!, a.chainId, a.scp.publicKey, ++seqA, Date.now());
  const h = (await a.client(0).getStatus()).height;
  await a.client(0).upload(env);
  await waitForClientHeight(a.client(0), h + 1, 60_000, 'chain A');
  return { height: (await a.client(0).getStatus()).height, tracingCode: toHex(tracingCode(env)) };
}

let seqB = 0;
/** One more block on B, so that what B's newest block holds becomes provable (one block behind). */
async function growB(): Promise<void> {
  const env = syntheticEnvelope(b.sites[0]!, b.chainId, b.scp.publicKey, ++seqB, Date.now());
  const h = (await b.client(0).getStatus()).height;
  await b.client(0).upload(env);
  await waitForClientHeight(b.client(0), h + 1, 60_000, 'chain B');
}

type AlarmEvent = { kind: string; alarm: { id: string; rule: string; severity: string } };

/** The first alarm event of B's node i matching `match`, from now on (WatchAlarms). */
function nextAlarm(i: number, match: (e: AlarmEvent) => boolean, timeoutMs: number): Promise<AlarmEvent> {
  const Client = alarmsService();
  const client = new Client(b.rpc[i]!, credentials.createInsecure());
  const call = (client.WatchAlarms as (r: unknown) => ClientReadableStream<AlarmEvent>)({});
  call.on('error', () => undefined);
  return new Promise<AlarmEvent>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching alarm within ${timeoutMs} ms`)), timeoutMs);
    call.on('data', (e: AlarmEvent) => {
      if (!match(e)) return;
      clearTimeout(timer);
      resolve(e);
    });
  }).finally(() => {
    call.cancel();
    client.close();
  });
}

describe('B follows A through a colluding quorum and a validator-set change', () => {
  it('freezes on misbehaviour, recovers, follows a new set, traces across it', async () => {
    const adminEnv = { BKDMS_ADMIN_PASSPHRASE: clusterPassphrase(b.dir) };
    const adminEnvA = { BKDMS_ADMIN_PASSPHRASE: clusterPassphrase(a.dir) };
    const passFile = join(b.dir, 'relayer-pass');
    writeFileSync(passFile, 'relayer passphrase\n');
    chmodSync(passFile, 0o600);
    const keyFile = join(b.dir, 'relayer.key');
    const relayerKey = ed25519Of(await generateKeystore(keyFile, 'ed25519', 'relayer passphrase'));
    const relayerFlags = [
      '--to',
      b.rpc[0]!,
      '--client',
      '1',
      '--key',
      keyFile,
      '--passphrase-file',
      passFile,
    ];
    const register = async (clientId: number) =>
      JSON.parse(
        ok(
          await bkdms(
            [
              'gov',
              'propose',
              'register-counterparty',
              '--client',
              String(clientId),
              '--remote-rpc',
              a.rpc[0]!,
              '--remote-genesis',
              a.layout.genesisPath,
              '--relayer',
              toHex(relayerKey.publicKey),
              '--rpc',
              b.rpc[0]!,
              '--key',
              b.layout.adminKeystore,
            ],
            adminEnv,
          ),
        ),
      ) as { open: boolean };
    const show = async (id: number) =>
      JSON.parse(
        ok(
          await bkdms([
            'xchain',
            'show',
            String(id),
            '--rpc',
            b.rpc[0]!,
            '--genesis',
            b.layout.genesisPath,
            '--json',
          ]),
        ),
      ) as {
        verified: boolean;
        client: { status: string; latestHeight: number; frozenHeight: number };
        latest: ConsensusRecord | null;
        evidence: { height: number; first: unknown; second: unknown } | null;
      };
    const relay = (from: string[], ...extra: string[]) => {
      const r = new Supervised([
        'relay',
        '--from',
        ...from,
        ...relayerFlags,
        '--interval-ms',
        '500',
        '--json',
        ...extra,
      ]);
      relayers.push(r);
      return r;
    };

    await growA();
    expect((await register(1)).open).toBe(false);

    // Node 3 of A restarts holding a quorum's keys; it commits the real blocks like the others but
    // serves the quorum's other block of each height.
    colluding = true;
    a.procs[COLLUDER]!.child.kill('SIGTERM');
    await a.procs[COLLUDER]!.exited;
    await a.restart(COLLUDER);
    const { height: grown } = await growA();
    await waitForClientHeight(a.client(COLLUDER), grown, 60_000, 'node 3 of A');

    const frozenAlarm = nextAlarm(
      1,
      (e) =>
        e.kind === 'raised' && e.alarm.rule === 'xchain-client-frozen' && e.alarm.id.includes('client-1'),
      120_000,
    );
    const watcher = relay([a.rpc[0]!, a.rpc[COLLUDER]!]);
    const found = await watcher.line(/"kind":"misbehaviour"/);
    expect(found).toMatch(/"kind":"misbehaviour","height":\d+,"result":""/);
    const forkHeight = Number(/"height":(\d+)/.exec(found)![1]);
    // The relayer sees the frozen client on its next step and submits nothing more.
    await watcher.line(/"kind":"frozen"/);
    watcher.kill();
    await watcher.exited;
    expect((await frozenAlarm).alarm).toMatchObject({ rule: 'xchain-client-frozen', severity: 'critical' });

    await growB();
    const frozen = await show(1);
    expect(frozen.verified).toBe(true);
    expect(frozen.client).toMatchObject({ status: 'Frozen', frozenHeight: forkHeight });
    expect(frozen.evidence).toMatchObject({ height: forkHeight });
    expect(frozen.evidence?.first).not.toBeNull();

    // A further update, certified by A's real validators, is refused: the client trusts nothing now.
    const key = ed25519Of(await readKeystore(keyFile, 'relayer passphrase'));
    const signer = new Admin(b.client(0), { chainId: b.chainId, key });
    const direct = new Relayer({
      clientId: 1,
      sources: [a.client(0)],
      dest: b.client(0),
      sign: (c) => signer.buildCall(c),
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const tip = await growA();
    const honest = (
      await a.client(0).getHeaders({ fromHeight: tip.height, toHeight: tip.height, maxCount: 1 })
    ).headers[0]!;
    expect(
      await direct.submit({
        type: 'updateClient',
        clientId: 1,
        headers: [
          { header: honest.header, certificate: honest.certificate, scheduleProof: new Uint8Array(0) },
        ],
      }),
    ).toBe('ClientFrozen');

    // Recovery: a substitute registered from A's current header, moved into client 1 by governance.
    expect((await register(2)).open).toBe(false);
    ok(
      await bkdms(
        [
          'gov',
          'propose',
          'recover-client',
          '1',
          '--substitute',
          '2',
          '--rpc',
          b.rpc[0]!,
          '--key',
          b.layout.adminKeystore,
        ],
        adminEnv,
      ),
    );
    await growB();
    const recovered = await show(1);
    expect(recovered.verified).toBe(true);
    expect(recovered.client.status).toBe('Active');
    expect(recovered.client.latestHeight).toBe((await show(2)).client.latestHeight);
    expect(recovered.evidence).toMatchObject({ height: forkHeight });

    // A's governance removes node 3 from its set, activating a few blocks ahead.
    const oldSet = a.validators;
    const newSet = oldSet.filter((_, i) => i !== COLLUDER);
    const now = (await a.client(0).getStatus()).height;
    const activateAt = now + 6;
    const change = JSON.parse(
      ok(
        await bkdms(
          [
            'gov',
            'propose',
            'set-validators',
            '--validator',
            ...newSet.map(toHex),
            '--activate-at',
            String(activateAt),
            '--rpc',
            a.rpc[0]!,
            '--key',
            a.layout.adminKeystore,
          ],
          adminEnvA,
        ),
      ),
    ) as { open: boolean; height: number };
    expect(change.open).toBe(false);
    // The state root of a header is the state before it: the change is provable from height + 2.
    while ((await a.client(0).getStatus()).height < change.height + 2) await growA();
    expect((await a.client(0).getStatus()).height).toBeLessThan(activateAt);

    // An honest relayer carries the change while the old set still certifies.
    const follower = relay([a.rpc[0]!]);
    const carried = await follower.line(/"kind":"updated"/);
    expect(carried).toMatch(/"kind":"updated","height":\d+,"result":""/);
    expect(Number(/"height":(\d+)/.exec(carried)![1])).toBeLessThan(activateAt);
    follower.kill();
    await follower.exited;
    const following = await record<ClientRecord>(XK.client(1));
    expect(following.schedule.map((s) => s.activateAt)).toContain(activateAt);

    // An envelope A commits under the new set, imported with the newest header (the new set's).
    let after = await growA();
    while (after.height <= activateAt) after = await growA();
    const imported = await bkdms(
      [
        'xchain',
        'import-fact',
        '--from',
        a.rpc[0]!,
        ...relayerFlags,
        '--tracing-code',
        after.tracingCode,
        '--update',
        '--json',
      ],
      {},
      60_000,
    );
    const outcome = JSON.parse(ok(imported)) as { kind: string; result: string; anchorHeight: number };
    expect(outcome).toMatchObject({ kind: 'submitted', result: '' });
    expect(outcome.anchorHeight).toBeGreaterThan(activateAt);
    const anchor = await record<ConsensusRecord>(XK.consensus(1, outcome.anchorHeight));
    expect(anchor.validatorSetHash).toBe(toHex(validatorSetHash(newSet)));
    expect(anchor.validatorSetHash).not.toBe(toHex(validatorSetHash(oldSet)));

    // The two-chain trace of that envelope, fetched from B and verified, then again offline.
    await growB();
    const bundle = join(b.dir, 'after-change.xtrace');
    const traced = JSON.parse(
      ok(
        await bkdms([
          'trace',
          after.tracingCode,
          '--client',
          '1',
          '--rpc',
          b.rpc[0]!,
          '--genesis',
          b.layout.genesisPath,
          '--remote-genesis',
          a.layout.genesisPath,
          '--out',
          bundle,
          '--json',
        ]),
      ),
    );
    expect(traced).toMatchObject({ verified: true, clientId: 1, remote: { height: after.height } });
    const offline = await bkdms([
      'verify',
      bundle,
      '--genesis',
      b.layout.genesisPath,
      '--remote-genesis',
      a.layout.genesisPath,
      '--json',
    ]);
    expect(JSON.parse(ok(offline))).toMatchObject({ verified: true, remote: { height: after.height } });
  }, 900_000);
});
