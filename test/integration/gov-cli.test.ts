// Governance, ledger and consistency commands through the real `bkdms` CLI on a real 4-node cluster:
// the admins become 2 of 3, one proposes, `gov list` names the two admins still missing, a second
// approves, the proposal executes and `gov history` keeps it with both signatories; `chain members`
// shows the change at its height, proven against the genesis, each node raises a membership-changed
// notice for it (seen on the WatchAlarms stream, through `bkdms alarms --rpc --watch` and in
// `bkdms alarms --rpc` once); `cluster check` finds no divergence.
import { join } from 'node:path';
import { type ClientReadableStream, credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmsService } from '../../api/alarms.js';
import { UploadStatus } from '../../api/types.js';
import { toHex } from '../../crypto/bytes.js';
import { keyIdOf } from '../../crypto/key-id.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { clusterAdminKey, clusterPassphrase } from '../../devnet/layout.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { bkdms, type Run, Supervised } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForClientHeight } from '../support/cluster.js';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster(4, 2);
}, 180_000);

afterAll(async () => {
  await c?.dispose();
});

type AlarmEvent = { kind: string; alarm: { id: string; rule: string; severity: string } };

/** Node i's alarm events (WatchAlarms) from now on; `until` resolves on the first that matches. */
function watchAlarms(i: number) {
  const Client = alarmsService();
  const client = new Client(c.rpc[i]!, credentials.createInsecure());
  const call = (client.WatchAlarms as (r: unknown) => ClientReadableStream<AlarmEvent>)({});
  call.on('error', () => undefined);
  return {
    until: (match: (e: AlarmEvent) => boolean, timeoutMs: number) =>
      new Promise<AlarmEvent>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching alarm within ${timeoutMs} ms`)),
          timeoutMs,
        );
        call.on('data', (e: AlarmEvent) => {
          if (!match(e)) return;
          clearTimeout(timer);
          resolve(e);
        });
      }),
    close: () => {
      call.cancel();
      client.close();
    },
  };
}

function ok(r: Run): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

describe('bkdms gov, chain and cluster check on a running cluster', () => {
  it('runs a 2-of-3 governance round and reports it', async () => {
    const env = { BKDMS_ADMIN_PASSPHRASE: clusterPassphrase(c.dir) };
    const rpc = ['--rpc', c.rpc[0]!];
    const genesis = ['--genesis', c.layout.genesisPath];
    const keys = [c.layout.adminKeystore, join(c.dir, 'admin-1.key'), join(c.dir, 'admin-2.key')];
    const pubs = [
      (await clusterAdminKey(c.layout)).publicKey,
      (await generateKeystore(keys[1]!, 'ed25519', env.BKDMS_ADMIN_PASSPHRASE)).publicKey,
      (await generateKeystore(keys[2]!, 'ed25519', env.BKDMS_ADMIN_PASSPHRASE)).publicKey,
    ];
    const ids = pubs.map((p) => toHex(keyIdOf(p)));

    // Threshold 1 today: set-admins executes on its proposal.
    const setAdmins = JSON.parse(
      ok(
        await bkdms(
          [
            'gov',
            'propose',
            'set-admins',
            ...rpc,
            '--key',
            keys[0]!,
            '--admin',
            ...pubs.map(toHex),
            '--threshold',
            '2',
          ],
          env,
        ),
      ),
    );
    expect(setAdmins.open).toBe(false);

    const site = c.sites[0]!;
    const siteId = toHex(keyIdOf(site.key.publicKey));
    const alarms = watchAlarms(1);
    const suspendNotice = alarms.until(
      (e) =>
        e.kind === 'raised' &&
        e.alarm.id.startsWith(`membership-changed:site-suspend-${siteId.slice(0, 16)}-h`),
      120_000,
    );
    // The CLI follows another node's stream; started late it still sees the notice: the stream
    // begins with the active list.
    const follow = new Supervised(['alarms', '--rpc', c.rpc[2]!, '--watch', '--json']);
    const proposed = JSON.parse(
      ok(await bkdms(['gov', 'propose', 'suspend-site', siteId, ...rpc, '--key', keys[0]!], env)),
    );
    expect(proposed.open).toBe(true);
    const id: string = proposed.proposalId;

    const list = JSON.parse(ok(await bkdms(['gov', 'list', ...rpc, '--json'])));
    expect(list.verified).toBe(false);
    expect(list.proposals).toEqual([
      expect.objectContaining({
        id,
        action: 'suspendSite',
        proposer: ids[0],
        approvals: [ids[0]],
        missing: [ids[1], ids[2]],
        needed: 1,
      }),
    ]);

    const approved = JSON.parse(ok(await bkdms(['gov', 'approve', id, ...rpc, '--key', keys[1]!], env)));
    expect(approved.open).toBe(false);
    // Another organisation's node noticed the change on its own, at the height it executed.
    const notice = await suspendNotice.finally(() => alarms.close());
    const noticeId = `membership-changed:site-suspend-${siteId.slice(0, 16)}-h${approved.height}`;
    expect(notice.alarm).toMatchObject({ id: noticeId, rule: 'membership-changed', severity: 'warning' });
    let timer: NodeJS.Timeout | undefined;
    try {
      const line = await Promise.race([
        follow.line(new RegExp(`"id":"${noticeId}"`)),
        new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new Error(`alarms --watch:\n${follow.lines.join('\n')}`)), 120_000);
        }),
      ]);
      expect(JSON.parse(line)).toMatchObject({
        kind: expect.stringMatching(/^(raised|active)$/),
        alarm: { id: noticeId, severity: 'warning', state: 'raised', location: { node: 2 } },
      });
    } finally {
      clearTimeout(timer);
      follow.kill();
    }
    const listed = JSON.parse(ok(await bkdms(['alarms', '--rpc', c.rpc[1]!, '--json'])));
    expect(listed.alarms).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: noticeId, rule: 'membership-changed' })]),
    );
    expect(JSON.parse(ok(await bkdms(['gov', 'list', ...rpc, '--json']))).proposals).toEqual([]);

    // Proofs cover the state one block behind the tip: one more block makes the approval provable.
    const other = c.sites[1]!;
    expect(
      (await c.client(0).upload(syntheticEnvelope(other, c.chainId, c.scp.publicKey, 1, Date.now()))).status,
    ).toBe(UploadStatus.Accepted);
    await waitForClientHeight(c.client(0), approved.height + 1);

    const history = JSON.parse(ok(await bkdms(['gov', 'history', ...rpc, ...genesis, '--json'])));
    expect(history.verified).toBe(true);
    const closed = history.history.find((h: { id: string }) => h.id === id);
    expect(closed).toMatchObject({
      outcome: 'executed',
      type: 'suspendSite',
      approvals: [ids[0], ids[1]],
      height: approved.height,
    });
    expect(JSON.parse(ok(await bkdms(['gov', 'show', id, ...rpc, '--json']))).closed.outcome).toBe(
      'executed',
    );

    const members = JSON.parse(ok(await bkdms(['chain', 'members', ...rpc, ...genesis, '--json'])));
    expect(members.verified).toBe(true);
    expect(members.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'site',
          op: 'suspend',
          id: siteId,
          height: approved.height,
          proposal: id,
        }),
        expect.objectContaining({ kind: 'admin', op: 'enter', id: ids[1], height: setAdmins.height }),
        expect.objectContaining({ kind: 'validator', op: 'enter', height: 0 }),
      ]),
    );

    const info = JSON.parse(ok(await bkdms(['chain', 'info', ...rpc, ...genesis, '--json'])));
    expect(info).toMatchObject({
      verified: true,
      chainId: toHex(c.chainId),
      admins: { keyIds: ids, threshold: 2 },
      sitesCount: 2,
    });
    expect(info.validators).toEqual(c.validators.map(toHex));

    const check = await bkdms(['cluster', 'check', '--rpc', c.rpc.join(','), '--json']);
    expect(check.code).toBe(0);
    const report = JSON.parse(check.stdout);
    expect(report.divergence).toBeNull();
    expect(report.commonHeight).toBeGreaterThanOrEqual(approved.height);
  }, 300_000);
});
