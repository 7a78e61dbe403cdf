// The cluster of one e2e run: a prepared local cluster whose nodes reach each other only through
// the fault proxies (each node's peer list names the proxy of its link; each node announces an
// address that refuses, so no peer learns a way around the proxy), the synthetic sites and SCP key
// of its genesis, and one handle per node to start, kill, pause, continue and stop it.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BkdmsClient } from '../api/client.js';
import type { TrustAnchor } from '../api/verify.js';
import { toHex } from '../crypto/bytes.js';
import { keyIdOf } from '../crypto/key-id.js';
import { generateX25519, type X25519KeyPair } from '../crypto/x25519.js';
import { type ClusterLayout, peerAddress, prepareCluster } from '../devnet/layout.js';
import { freeNodePorts } from '../devnet/ports.js';
import { type NodeProcess, startNodeProcess, stopAll } from '../devnet/processes.js';
import { SEGMENT_BYTES_ENV } from '../runtime/failpoints.js';
import { BYZANTINE_ENV } from '../testkit/byzantine.js';
import { CENSOR_ENV } from '../testkit/censor.js';
import { genesisSites, type SyntheticSite, syntheticSites } from '../testkit/envelopes.js';
import { E2EError, E2EErrorCode } from './errors.js';
import { RemoteFaultNet } from './fault-remote.js';
import { ARCHIVE_FOLDER, diskFullNodes, type Manifest, nodeRetain } from './manifest.js';

/** Port 1 on loopback: nothing listens there, so a dial to it is refused at once. */
const REFUSING_ADDR = '/ip4/127.0.0.1/tcp/1';

export type NodeState = 'down' | 'up' | 'paused';

export class E2ECluster {
  readonly procs: (NodeProcess | undefined)[];
  readonly state: NodeState[];
  private readonly clients = new Map<number, BkdmsClient>();
  /** Node processes that ended without the runner asking (a crash): node, how. */
  readonly unexpectedExits: { node: number; how: number | string }[] = [];
  /** Nodes that may stop on their own now (a full disk), and those that did. */
  readonly mayExit = new Set<number>();
  readonly expectedExits: { node: number; how: number | string }[] = [];
  /** Data folders mounted as a size-capped tmpfs (disk-full faults), unmounted at close. */
  readonly mounts: string[] = [];
  /** Per node, its archive folder (manifest `retain.archive`); empty without archiving. */
  archives: string[] = [];
  /** Per node, the test-kit environment of every start (its Byzantine modes); empty for an honest node. */
  readonly testkitEnv: Record<string, string>[];

  private constructor(
    readonly layout: ClusterLayout,
    /**
     * Every fault proxy of the run, in a process of its own (fault-remote.ts); with a platform, also
     * the links it reaches each node's RPC port through (its faults cut, stall, delay them).
     */
    readonly net: RemoteFaultNet,
    readonly sites: SyntheticSite[],
    readonly scp: X25519KeyPair,
  ) {
    this.procs = layout.nodes.map(() => undefined);
    this.state = layout.nodes.map(() => 'down');
    this.testkitEnv = layout.nodes.map(() => ({}));
  }

  static async setup(m: Manifest, dir: string): Promise<E2ECluster> {
    // The proxies first (their ports held), then the nodes' ports: the two cannot collide.
    const net = await RemoteFaultNet.fork(m.validators, m.platform === undefined ? 0 : m.validators);
    try {
      const ports = await freeNodePorts(m.validators);
      await net.setTargets(
        ports.map((p) => p.p2p),
        ports.map((p) => p.rpc),
      );
      const sites = syntheticSites(m.sites);
      const scp = generateX25519();
      const now = Date.now();
      const retain = nodeRetain(m);
      const layout = await prepareCluster({
        dir,
        n: m.validators,
        ports,
        chainName: `e2e-${m.name}`,
        sites: genesisSites(sites),
        scpKeys: [
          {
            publicKey: Buffer.from(scp.publicKey).toString('hex'),
            notBefore: new Date(now - 3600_000).toISOString(),
            // Far off: a key about to expire raises scp-key-expiry, which the alarms check reads.
            notAfter: new Date(now + 400 * 24 * 3600_000).toISOString(),
          },
        ],
        params: m.chain,
        tickMs: m.tickMs,
        logSpec: 'info',
        // Alarms evaluated each second, so the check sees them raised and cleared within a run.
        alarms: { evaluateMs: 1_000 },
        // Snapshot hashes compared with the peers every 2 s (a divergence seen within a run).
        snapshot: { keep: 2, compareIntervalMs: 2_000 },
        p2p: { ...m.network, announce: [REFUSING_ADDR] },
        ...(retain === undefined ? {} : { extra: { retain } }),
        peerAddress: (from, to, key) => peerAddress(key, { p2p: net.port(from, to), rpc: 0, mgmt: 0 }),
      });
      const cluster = new E2ECluster(layout, net, sites, scp);
      for (const [i, sizeMb] of diskFullNodes(m)) cluster.mountData(i, sizeMb);
      for (const b of m.byzantine)
        cluster.testkitEnv[b.node] = {
          [BYZANTINE_ENV]: b.modes.join(','),
          // A censoring node censors the first site (the load's site 0).
          ...(b.modes.includes('censor-site')
            ? { [CENSOR_ENV]: toHex(keyIdOf(sites[0]!.key.publicKey)) }
            : {}),
        };
      // A small block-log segment (test kit) on every start, so that segments seal and prune in a short run.
      if (m.retain !== undefined)
        for (const env of cluster.testkitEnv) env[SEGMENT_BYTES_ENV] = String(m.retain.segmentBytes);
      cluster.archives =
        retain?.archiveDir === undefined
          ? []
          : layout.nodes.map((x) => join(dirname(x.configPath), ARCHIVE_FOLDER));
      return cluster;
    } catch (err) {
      await net.close();
      throw err;
    }
  }

  /** The data folder of node i (its config's dataDir). */
  dataDir(i: number): string {
    return join(this.layout.dir, `node-${i}`, 'data');
  }

  /** Mounts a tmpfs of `sizeMb` as node i's data folder; only root may. */
  private mountData(i: number, sizeMb: number): void {
    if (process.getuid?.() !== 0)
      throw new E2EError(E2EErrorCode.RunFailed, 'a disk-full fault mounts a tmpfs: run as root', {
        node: i,
      });
    const dir = this.dataDir(i);
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir]);
    this.mounts.push(dir);
  }

  get n(): number {
    return this.layout.nodes.length;
  }

  get chainId(): Uint8Array {
    return Buffer.from(this.layout.chainId, 'hex');
  }

  trust(): TrustAnchor {
    return {
      chainId: this.chainId,
      validators: this.layout.nodes.map((x) => Buffer.from(x.publicKey, 'hex')),
    };
  }

  client(i: number): BkdmsClient {
    let c = this.clients.get(i);
    if (c === undefined) {
      const node = this.layout.nodes[i]!;
      c = new BkdmsClient({
        address: `127.0.0.1:${node.ports.rpc}`,
        tls: { insecure: true },
        deadlineMs: 30_000,
      });
      this.clients.set(i, c);
    }
    return c;
  }

  /** Nodes that are running and not paused. */
  up(): number[] {
    return this.state.flatMap((s, i) => (s === 'up' ? [i] : []));
  }

  /**
   * Starts node i and resolves once it logged `node.ready`. A node with test-kit variables (its
   * Byzantine modes, `extraEnv`: an armed crash point) is started with `--testkit`.
   */
  async start(i: number, extraEnv: Record<string, string> = {}): Promise<void> {
    const node = this.layout.nodes[i]!;
    const env = { ...this.testkitEnv[i], ...extraEnv };
    const kit = Object.keys(env).length > 0 ? ['--testkit'] : [];
    const p = startNodeProcess(i, node.configPath, node.logPath, [], env, kit);
    this.procs[i] = p;
    void p.exited.then((how) => {
      // Still the current process and not stopped on purpose: it ended on its own.
      if (this.procs[i] === p && this.state[i] !== 'down') {
        (this.mayExit.has(i) ? this.expectedExits : this.unexpectedExits).push({ node: i, how });
        this.state[i] = 'down';
      }
    });
    try {
      await p.ready;
    } catch (err) {
      throw new E2EError(E2EErrorCode.RunFailed, (err as Error).message, { node: i });
    }
    this.state[i] = 'up';
  }

  /** SIGKILL (or SIGTERM when `graceful`), resolved once the process has exited. */
  async stop(i: number, graceful = false): Promise<void> {
    const p = this.procs[i];
    if (p === undefined) return;
    const wasPaused = this.state[i] === 'paused';
    this.state[i] = 'down';
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill(graceful ? 'SIGTERM' : 'SIGKILL');
      // A stopped process acts on SIGTERM only once continued.
      if (wasPaused) p.child.kill('SIGCONT');
    }
    await p.exited;
    await p.logged;
  }

  /** Resolves with how node i's current process ended, or 'timeout' after `ms`. */
  async exited(i: number, ms: number): Promise<number | string> {
    const p = this.procs[i];
    if (p === undefined) return 'not started';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((res) => {
      timer = setTimeout(() => res('timeout'), ms);
    });
    try {
      const how = await Promise.race([p.exited, timeout]);
      if (how !== 'timeout') await p.logged;
      return how;
    } finally {
      clearTimeout(timer);
    }
  }

  pause(i: number): void {
    this.procs[i]?.child.kill('SIGSTOP');
    this.state[i] = 'paused';
  }

  resume(i: number): void {
    this.procs[i]?.child.kill('SIGCONT');
    this.state[i] = 'up';
  }

  /** Stops every node (continuing paused ones first) and the proxies. */
  async close(): Promise<void> {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
    this.procs.forEach((p, i) => {
      if (this.state[i] === 'paused') p?.child.kill('SIGCONT');
    });
    this.state.fill('down');
    await stopAll(this.procs.filter((p): p is NodeProcess => p !== undefined));
    await Promise.all(this.procs.map((p) => p?.logged));
    await this.net.close();
    // The run folder keeps the node's log; its data goes with the tmpfs.
    for (const dir of this.mounts.splice(0)) execFileSync('umount', [dir]);
  }
}
