// The peer table of a real 4-node cluster (compiled CLI processes): every configured peer with
// its direction and a measured round-trip time once pings ran, a stopped peer listed as down, and
// `bkdms node info --json` / `node top --json` as parseable JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagementClient } from '../../api/management-client.js';
import type { NodeSample, PeerLink } from '../../api/management-types.js';
import { peerIdOfPublicKey } from '../../node/p2p/index.js';
import { bkdms } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster } from '../support/cluster.js';

let c: TestCluster;
let client: ManagementClient;

beforeAll(async () => {
  c = await startTestCluster(4, 1, { p2p: { pingIntervalMs: 300 } });
  client = new ManagementClient({ address: c.rpc[0]!, tls: { insecure: true }, deadlineMs: 30_000 });
}, 120_000);

afterAll(async () => {
  client?.close();
  await c?.dispose();
});

/** Node 0's samples until one satisfies `done`; at most `max` samples (one a second). */
async function sampleUntil(done: (s: NodeSample) => boolean, max: number): Promise<NodeSample> {
  let last: NodeSample | undefined;
  for await (const s of client.watchNode(max)) {
    last = s;
    if (done(s)) return s;
  }
  throw new Error(`condition not met in ${max} samples; last peers: ${JSON.stringify(last?.peers)}`);
}

const peerIdOf = (i: number): string => peerIdOfPublicKey(c.validators[i]!);
const connectedWithRtt = (p: PeerLink): boolean => p.state === 'CONNECTED' && p.rttMs > 0;

describe('ListPeers on a 4-node cluster', () => {
  it('shows every configured peer connected, with its direction and a ping RTT', async () => {
    await sampleUntil((s) => s.peers.length === 3 && s.peers.every(connectedWithRtt), 60);
    const { peers } = await client.listPeers();
    expect(peers.map((p) => p.peerId).sort()).toEqual([1, 2, 3].map(peerIdOf).sort());
    for (const p of peers) {
      expect(p.configured).toBe(true);
      expect(p.state).toBe('CONNECTED');
      expect(['INBOUND', 'OUTBOUND']).toContain(p.direction);
      expect(p.rttMs).toBeGreaterThan(0);
      expect(p.rttAvgMs).toBeGreaterThan(0);
      expect(p.connectedSince).toBeGreaterThan(0);
      expect(p.remoteAddress).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/);
      expect(p.bytesSent + p.bytesReceived).toBeGreaterThan(0);
      expect(c.validators.map((_, i) => i)).toContain(p.validatorIndex);
    }
  }, 120_000);

  it('lists a stopped peer as down', async () => {
    const gone = peerIdOf(3);
    c.procs[3]!.child.kill('SIGTERM');
    await c.procs[3]!.exited;
    const s = await sampleUntil((x) => x.peers.some((p) => p.peerId === gone && p.state !== 'CONNECTED'), 60);
    const row = s.peers.find((p) => p.peerId === gone)!;
    expect(['DOWN', 'DIALING']).toContain(row.state);
    expect(row.configured).toBe(true);
    expect(row.validatorIndex).toBe(3);
    expect(s.peers.filter((p) => p.state === 'CONNECTED')).toHaveLength(2);
  }, 120_000);
});

describe('the CLI', () => {
  it('prints node info and node samples as JSON', async () => {
    const info = await bkdms(['node', 'info', '--json', '--rpc', c.rpc[1]!]);
    expect(info.code, info.stderr).toBe(0);
    const parsed = JSON.parse(info.stdout) as {
      identity: { validatorIndex: number };
      config: { sha256: string };
    };
    expect(parsed.identity.validatorIndex).toBe(1);
    expect(parsed.config.sha256).toMatch(/^[0-9a-f]{64}$/);
    const top = await bkdms(['node', 'top', '--json', '--count', '2', '--rpc', c.rpc[1]!]);
    expect(top.code, top.stderr).toBe(0);
    const lines = top.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect((JSON.parse(l) as NodeSample).rssBytes).toBeGreaterThan(0);
  }, 150_000);
});
