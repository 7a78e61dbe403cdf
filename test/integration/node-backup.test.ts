// BackupNode on a running single-validator node started in this process, under a steady upload
// load: refused without an administrator's signature and for a path it must not write, then the
// node writes the archive while it goes on committing; the node is stopped, its data folder wiped
// and restored from the archive (chain checked), and the node started on it opens at the backup's
// height with the same block hash there.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { ApiErrorCode } from '../../api/errors.js';
import { ManagementClient } from '../../api/management-client.js';
import { ed25519Of } from '../../crypto/key-formats.js';
import { readKeystore } from '../../crypto/keystore.js';
import { generateX25519 } from '../../crypto/x25519.js';
import { type ClusterLayout, prepareCluster } from '../../devnet/layout.js';
import { freeNodePorts } from '../../devnet/ports.js';
import { restoreNodeBackup } from '../../node/backup/node-backup.js';
import { loadNodeConfig } from '../../node/config.js';
import { type RunningNode, startNode } from '../../node/node.js';
import { genesisSites, syntheticEnvelope, syntheticSites } from '../../testkit/envelopes.js';
import { waitForClientHeight } from '../support/cluster.js';

let dir: string;
let layout: ClusterLayout;
let node: RunningNode;
let passphrase: string;
const sites = syntheticSites(1);
const scp = generateX25519();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-livebackup-'));
  const now = Date.now();
  layout = await prepareCluster({
    dir,
    n: 1,
    ports: await freeNodePorts(1),
    sites: genesisSites(sites),
    scpKeys: [
      {
        publicKey: Buffer.from(scp.publicKey).toString('hex'),
        notBefore: new Date(now - 3600_000).toISOString(),
        notAfter: new Date(now + 3600_000).toISOString(),
      },
    ],
    params: { periodMs: 100, viewTimeoutMs: 1500 },
    logSpec: 'warn',
    tickMs: 20,
  });
  passphrase = readFileSync(layout.passphraseFile, 'utf8').split('\n')[0]!;
  node = await startNode(loadNodeConfig(layout.nodes[0]!.configPath), passphrase);
}, 60_000);

afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('BackupNode on a running node', () => {
  it('writes a backup at one height under load; wiped and restored, the node opens at that height', async () => {
    const address = `127.0.0.1:${node.rpcPort}`;
    const rpc = new BkdmsClient({ address, tls: { insecure: true }, deadlineMs: 30_000 });
    const mgmt = new ManagementClient({ address, tls: { insecure: true } });
    const chainId = Buffer.from(layout.chainId, 'hex');
    let seq = 1;
    let loading = true;
    // One upload after another, each waited for by the node's admission only: blocks keep coming.
    const load = (async () => {
      while (loading)
        await rpc.upload(syntheticEnvelope(sites[0]!, chainId, scp.publicKey, seq++, Date.now()));
    })();
    const archive = join(dir, 'node-0.tar.gz');
    try {
      await waitForClientHeight(rpc, 5, 60_000);
      const admin = ed25519Of(await readKeystore(layout.adminKeystore, passphrase));
      await expect(mgmt.backupNode(archive, undefined, 60_000)).rejects.toMatchObject({
        code: ApiErrorCode.Unauthenticated,
      });
      await expect(mgmt.backupNode('relative.tar.gz', admin, 60_000)).rejects.toMatchObject({
        code: ApiErrorCode.InvalidArgument,
      });
      expect(existsSync(archive)).toBe(false);

      const before = (await rpc.getStatus()).height;
      const r = await mgmt.backupNode(archive, admin, 120_000);
      // Blocks committed after the backup returned: the node never stopped.
      await waitForClientHeight(rpc, r.height + 2, 60_000);
      const after = (await rpc.getStatus()).height;
      expect(r.height).toBeGreaterThanOrEqual(before);
      expect(r.height).toBeLessThan(after);
      expect(r.chainId).toBe(layout.chainId);
      expect(r.admin).toMatch(/^key:[0-9a-f]{32}$/);
      expect(JSON.parse(r.manifestJson)).toMatchObject({ kind: 'bkdms-node-data', meta: { tip: r.height } });
      expect(statSync(archive).mode & 0o777).toBe(0o600);
      expect(r.archiveBytes).toBe(statSync(archive).size);
      await expect(mgmt.backupNode(archive, admin, 60_000)).rejects.toMatchObject({
        code: ApiErrorCode.InvalidArgument,
      });
      const blockAtBackup = await rpc.getBlock(r.height);

      loading = false;
      await load;
      await node.stop();
      const data = join(dirname(layout.nodes[0]!.configPath), 'data');
      rmSync(data, { recursive: true, force: true });
      const restored = await restoreNodeBackup(archive, data);
      expect(restored.chain.tip).toBe(r.height);

      node = await startNode(loadNodeConfig(layout.nodes[0]!.configPath), passphrase);
      const again = new BkdmsClient({ address: `127.0.0.1:${node.rpcPort}`, tls: { insecure: true } });
      try {
        expect((await again.getStatus()).height).toBe(r.height);
        expect(await again.getBlock(r.height)).toEqual(blockAtBackup);
      } finally {
        again.close();
      }
    } finally {
      loading = false;
      await load.catch(() => undefined);
      rpc.close();
      mgmt.close();
    }
  }, 240_000);
});
