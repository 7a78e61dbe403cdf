// The cluster a load run drives: prepared with the cluster code (devnet/) with synthetic sites
// and an SCP key in its genesis, whose site seeds are kept beside it (bench-sites.json, 0600) so a
// later run can target the same chain. Started here, or only opened when it already runs
// (`bkdms cluster up --dir <dir>` on a folder a bench run prepared).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519FromSeed } from '../../crypto/ed25519.js';
import { generateX25519 } from '../../crypto/x25519.js';
import { genesisSites, syntheticSite } from '../../testkit/envelopes.js';
import { type RunningCluster, startCluster } from '../cluster.js';
import { type ClusterLayout, prepareCluster, readLayout } from '../layout.js';
import { freeNodePorts } from '../ports.js';

/** Chain parameters of bench clusters: short periods, full blocks proposed at once. */
export const benchParams = { periodMs: 200, viewTimeoutMs: 2000, maxBlockEnvelopes: 4000 };
export const benchTickMs = 20;

export interface BenchCluster {
  layout: ClusterLayout;
  scpPublicKeyHex: string;
  siteSeedsHex: string[];
  /** Stops the nodes this run started (none when targeting). */
  close(): Promise<void>;
}

interface SitesFile {
  scpPublicKeyHex: string;
  siteSeedsHex: string[];
}

export interface OpenSpec {
  dir: string;
  n: number;
  sites: number;
  /** false: the nodes already run (--target); nothing is prepared or started. */
  start: boolean;
  cpuProfDir?: string;
  /** More arguments for node in every node process (the soak's --heapsnapshot-signal). */
  nodeArgs?: readonly string[];
  /** A command every node runs under (the soak's --node-wrapper heaptrack). */
  wrapper?: readonly string[];
}

const sitesPath = (dir: string): string => join(dir, 'bench-sites.json');

function readSites(dir: string): SitesFile | undefined {
  return existsSync(sitesPath(dir))
    ? (JSON.parse(readFileSync(sitesPath(dir), 'utf8')) as SitesFile)
    : undefined;
}

function writeSites(dir: string, f: SitesFile): void {
  const tmp = `${sitesPath(dir)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(f)}\n`, { mode: 0o600 });
  renameSync(tmp, sitesPath(dir));
}

async function prepare(spec: OpenSpec): Promise<{ layout: ClusterLayout; sites: SitesFile }> {
  const existing = readLayout(spec.dir);
  const known = readSites(spec.dir);
  if (existing !== undefined && known !== undefined) return { layout: existing, sites: known };
  if (existing !== undefined) throw new Error(`${spec.dir} holds a cluster that no bench run prepared`);
  const sites: SitesFile = {
    scpPublicKeyHex: Buffer.from(generateX25519().publicKey).toString('hex'),
    siteSeedsHex: Array.from({ length: spec.sites }, () => randomBytes(32).toString('hex')),
  };
  const now = Date.now();
  const layout = await prepareCluster({
    dir: spec.dir,
    n: spec.n,
    ports: await freeNodePorts(spec.n),
    chainName: 'bkdms-bench',
    sites: genesisSites(
      sites.siteSeedsHex.map((s, i) => syntheticSite(i, ed25519FromSeed(Buffer.from(s, 'hex')))),
    ),
    scpKeys: [
      {
        publicKey: sites.scpPublicKeyHex,
        notBefore: new Date(now - 3600_000).toISOString(),
        notAfter: new Date(now + 30 * 86400_000).toISOString(),
      },
    ],
    params: benchParams,
    tickMs: benchTickMs,
    logSpec: 'warn',
  });
  writeSites(spec.dir, sites);
  return { layout, sites };
}

/** Starts the nodes; with a profile folder, each writes its V8 CPU profile there when it stops. */
function start(layout: ClusterLayout, spec: OpenSpec): Promise<RunningCluster> {
  const prof = spec.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${spec.cpuProfDir}`];
  return startCluster(layout, { nodeArgs: [...prof, ...(spec.nodeArgs ?? [])], wrapper: spec.wrapper });
}

export async function openBenchCluster(spec: OpenSpec): Promise<BenchCluster> {
  if (!spec.start) {
    const layout = readLayout(spec.dir);
    const sites = readSites(spec.dir);
    if (layout === undefined || sites === undefined)
      throw new Error(
        `no bench cluster in ${spec.dir}: run \`bkdms bench cluster --dir ${spec.dir}\` once first`,
      );
    return { layout, ...sites, close: async () => undefined };
  }
  const { layout, sites } = await prepare(spec);
  const running = await start(layout, spec);
  return { layout, ...sites, close: () => running.stop() };
}
