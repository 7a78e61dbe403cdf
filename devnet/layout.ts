// The files of a local cluster, all under one folder: a passphrase file (0600) shared by the
// cluster's keystores, one keystore per validator and one for the SCP administrator, the genesis
// file, and one config per node. Re-running on a prepared folder reuses it (the chain continues).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../crypto/bytes.js';
import { ed25519Of } from '../crypto/key-formats.js';
import { generateKeystore, readKeystore } from '../crypto/keystore.js';
import type { NodeConfigFile } from '../node/config.js';
import type { GenesisFile } from '../node/genesis.js';
import { type GenesisSpec, writeGenesis } from '../node/genesis-write.js';
import { peerIdOfPublicKey } from '../node/p2p/index.js';
import type { NodePorts } from './ports.js';

export interface ClusterNode {
  index: number;
  configPath: string;
  logPath: string;
  ports: NodePorts;
  publicKey: string;
}

export interface ClusterLayout {
  dir: string;
  genesisPath: string;
  passphraseFile: string;
  adminKeystore: string;
  chainId: string;
  nodes: ClusterNode[];
}

export interface ClusterSpec {
  dir: string;
  n: number;
  ports: NodePorts[];
  chainName?: string;
  sites?: GenesisFile['sites'];
  scpKeys?: GenesisFile['scpKeys'];
  params?: GenesisSpec['params'];
  tickMs?: number;
  logSpec?: string;
  /** Network timings of every node (tests shorten them); the node's defaults otherwise. */
  p2p?: Pick<NodeConfigFile['p2p'], 'dialTimeoutMs' | 'pingIntervalMs' | 'announce'>;
  /** Fault management of every node (tests shorten hold times); the node's defaults otherwise. */
  alarms?: NodeConfigFile['alarms'];
  /** Snapshot settings of every node (tests compare snapshots more often); the defaults otherwise. */
  snapshot?: NodeConfigFile['snapshot'];
  /** Body retention, state sync and observer keys (hex) of every node; none by default. */
  extra?: Pick<NodeConfigFile, 'retain' | 'stateSync'> & { observers?: string[] };
  /**
   * The address node `from` dials node `to` at; default its p2p port on loopback. The e2e suite
   * points it at a fault proxy between the two.
   */
  peerAddress?: (from: number, to: number, publicKeyHex: string) => string;
}

const hex = toHex;
const layoutFile = (dir: string): string => join(dir, 'cluster.json');

/** The passphrase of the cluster's keystores (created on first use, mode 0600). */
export function clusterPassphrase(dir: string): string {
  const file = join(dir, 'passphrase');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

export function readLayout(dir: string): ClusterLayout | undefined {
  return existsSync(layoutFile(dir))
    ? (JSON.parse(readFileSync(layoutFile(dir), 'utf8')) as ClusterLayout)
    : undefined;
}

export async function prepareCluster(spec: ClusterSpec): Promise<ClusterLayout> {
  const existing = readLayout(spec.dir);
  if (existing !== undefined) return existing;
  mkdirSync(spec.dir, { recursive: true });
  const passphrase = clusterPassphrase(spec.dir);
  const adminKeystore = join(spec.dir, 'admin.key');
  const admin = await generateKeystore(adminKeystore, 'ed25519', passphrase);
  const keys: string[] = [];
  for (let i = 0; i < spec.n; i++) {
    mkdirSync(join(spec.dir, `node-${i}`), { recursive: true });
    keys.push(
      hex((await generateKeystore(join(spec.dir, `node-${i}`, 'node.key'), 'ed25519', passphrase)).publicKey),
    );
  }
  const genesisPath = join(spec.dir, 'genesis.json');
  const chainId = writeGenesis(genesisPath, {
    chainName: spec.chainName ?? 'bkdms-local',
    validators: keys,
    admins: [hex(admin.publicKey)],
    threshold: 1,
    sites: spec.sites,
    scpKeys: spec.scpKeys,
    params: spec.params,
  });
  const dialAt = spec.peerAddress ?? ((_: number, to: number, k: string) => peerAddress(k, spec.ports[to]!));
  const nodes: ClusterNode[] = keys.map((publicKey, i) =>
    writeNodeConfig(
      spec,
      i,
      publicKey,
      spec.ports[i]!,
      keys.flatMap((k, j) => (j === i ? [] : [dialAt(i, j, k)])),
    ),
  );
  const layout: ClusterLayout = {
    dir: spec.dir,
    genesisPath,
    passphraseFile: join(spec.dir, 'passphrase'),
    adminKeystore,
    chainId,
    nodes,
  };
  writeFileSync(layoutFile(spec.dir), `${JSON.stringify(layout, null, 2)}\n`);
  return layout;
}

/** The libp2p address of a cluster node on loopback. */
export function peerAddress(publicKeyHex: string, ports: NodePorts): string {
  return `/ip4/127.0.0.1/tcp/${ports.p2p}/p2p/${peerIdOfPublicKey(Buffer.from(publicKeyHex, 'hex'))}`;
}

/**
 * Writes node-<i>/config.json of a cluster folder (its keystore is node-<i>/node.key) and returns
 * the node's entry. Also used to add a node to a running cluster (a joining validator).
 */
export function writeNodeConfig(
  spec: Pick<ClusterSpec, 'dir' | 'logSpec' | 'tickMs' | 'p2p' | 'alarms' | 'snapshot' | 'extra'>,
  i: number,
  publicKey: string,
  ports: NodePorts,
  peers: string[],
): ClusterNode {
  const config: NodeConfigFile = {
    dataDir: 'data',
    genesis: '../genesis.json',
    keystore: 'node.key',
    passphraseFile: '../passphrase',
    p2p: {
      listen: [`/ip4/127.0.0.1/tcp/${ports.p2p}`],
      peers,
      observers: spec.extra?.observers ?? [],
      ...spec.p2p,
    },
    rpc: { listen: `127.0.0.1:${ports.rpc}`, insecure: true },
    mgmt: { listen: `127.0.0.1:${ports.mgmt}` },
    log: { spec: spec.logSpec ?? 'info' },
    // Each log stream in its own rotated files in node-<i>/logs (docs/operations.md, "Log management").
    logs: { dir: 'logs' },
    consensus: { tickMs: spec.tickMs ?? 50 },
    mempool: { maxEnvelopes: 200_000, maxBytes: 256 * 1024 ** 2 },
    ...(spec.alarms === undefined ? {} : { alarms: spec.alarms }),
    ...(spec.snapshot === undefined ? {} : { snapshot: spec.snapshot }),
    ...(spec.extra?.retain === undefined ? {} : { retain: spec.extra.retain }),
    ...(spec.extra?.stateSync === undefined ? {} : { stateSync: spec.extra.stateSync }),
  };
  const configPath = join(spec.dir, `node-${i}`, 'config.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { index: i, configPath, logPath: join(spec.dir, `node-${i}`, 'node.log'), ports, publicKey };
}

/** The SCP administrator's key of a local cluster. */
export async function clusterAdminKey(layout: ClusterLayout) {
  return ed25519Of(await readKeystore(layout.adminKeystore, clusterPassphrase(layout.dir)));
}
