// Backup of a running validator on real node processes (docs/operations.md, "Backup and restore"):
// a 4-node cluster under a steady upload load; `bkdms node backup` has node 3 write its archive
// while the chain goes on; node 3 is killed (SIGKILL), its data folder wiped and restored from the
// archive with `bkdms backup restore` (chain checked), and restarted: it opens at the backup's
// height, rejoins and catches up to the others' tip, with the same block hashes.
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { bkdms } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForHeight } from '../support/cluster.js';

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster(4, 1);
}, 120_000);
afterAll(async () => {
  await c?.dispose();
});

const hashAt = async (i: number, h: number): Promise<Uint8Array> =>
  decodeCertifiedBlock(await c.client(i).getBlock(h)).certificate.blockHash;

describe('backup of a running validator, restored after a kill', () => {
  it('rejoins from the backup and catches up with the same hashes', async () => {
    let seq = 1;
    let loading = true;
    const load = (async () => {
      while (loading)
        await c
          .client(seq % 3)
          .upload(syntheticEnvelope(c.sites[0]!, c.chainId, c.scp.publicKey, seq++, Date.now()));
    })();
    try {
      await waitForHeight(c, 3, 10, 60_000);
      const archive = join(c.dir, 'node-3.tar.gz');
      const admin = ['--admin-key', c.layout.adminKeystore, '--passphrase-file', join(c.dir, 'passphrase')];
      const run = await bkdms(
        ['node', 'backup', '--rpc', c.rpc[3]!, '--insecure', '--to', archive, '--json', ...admin],
        {},
        120_000,
      );
      expect(run.code, run.stderr).toBe(0);
      const r = JSON.parse(run.stdout) as { height: number; manifest: { meta: { tip: number } } };
      expect(r.manifest.meta.tip).toBe(r.height);
      // The chain went on past the backup's height while node 3 ran.
      await waitForHeight(c, 0, r.height + 5, 60_000);

      c.procs[3]!.child.kill('SIGKILL');
      await c.procs[3]!.exited;
      const data = join(dirname(c.layout.nodes[3]!.configPath), 'data');
      rmSync(data, { recursive: true, force: true });
      const restored = await bkdms(['backup', 'restore', archive, '--data', data, '--json'], {}, 120_000);
      expect(restored.code, restored.stderr).toBe(0);
      expect((JSON.parse(restored.stdout) as { chain: { tip: number } }).chain.tip).toBe(r.height);
      expect(readdirSync(data)).toContain('index');

      await c.restart(3);
      const target = (await c.client(0).getStatus()).height + 3;
      await waitForHeight(c, 0, target, 60_000);
      await waitForHeight(c, 3, target, 120_000);
      for (const h of [r.height, r.height + 1, target])
        expect(Buffer.from(await hashAt(3, h))).toEqual(Buffer.from(await hashAt(0, h)));
    } finally {
      loading = false;
      await load.catch(() => undefined);
    }
  }, 400_000);
});
