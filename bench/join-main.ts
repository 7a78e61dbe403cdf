// A node joining a loaded chain by state sync against joining by block replay (docs/storage.md,
// "Snapshots and state sync"): `npm run build && node build/bench/join-main.js [--validators N]
// [--envelopes E] [--sites S] [--snapshot-interval K] [--out FILE]` (`--help`). It starts N
// validator processes (default 1: the point is the joiner's work, which a single peer serves as
// well as four; more validators add consensus cost to the loading phase only) with snapshotInterval
// K and two observer keys accepted, loads them to E committed envelopes with the cluster
// benchmark's load driver (devnet/load/driver.ts: pre-generated envelopes over S sites, open loop,
// full blocks), waits for the tip to stop moving, then starts two fresh observers one after the
// other, each with an empty data folder: the first with state sync on, the second with it off
// (block replay from block 1). Each is timed from its process start until its status reports the
// tip, then stopped. Prints the JSON result (both times, the factor, the chain's size and the
// machine's load) and writes it to FILE. The times are real-process figures on whatever machine
// runs it: the load average is printed with them.
import '../node/polyfill.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BkdmsClient } from '../api/client.js';
import { toHex } from '../crypto/bytes.js';
import { ed25519FromSeed } from '../crypto/ed25519.js';
import { generateKeystore } from '../crypto/keystore.js';
import { generateX25519 } from '../crypto/x25519.js';
import { startCluster } from '../devnet/cluster.js';
import { peerAddress, prepareCluster } from '../devnet/layout.js';
import { benchParams, benchTickMs } from '../devnet/load/bench-cluster.js';
import { driverEntry, runForkedDriver } from '../devnet/load/cluster-scenario.js';
import { JOIN_USAGE, JoinFlagError, parseJoinFlags, speedup } from '../devnet/load/join-flags.js';
import type { DriverPlan, DriverProgress, DriverResult } from '../devnet/load/plan.js';
import { freeNodePorts } from '../devnet/ports.js';
import { type NodeProcess, startNodeProcess, stopAll } from '../devnet/processes.js';
import { genesisSites, syntheticSite } from '../testkit/envelopes.js';

const PASS = 'join-bench-observer-passphrase';
/** How long a joiner may take to reach the tip before the run gives up. */
const JOIN_TIMEOUT_MS = 60 * 60_000;

const progress = (msg: string): void => void process.stderr.write(`[join-bench] ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sizeOf(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return 0;
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const mib = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;

let flags: ReturnType<typeof parseJoinFlags>;
try {
  flags = parseJoinFlags(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof JoinFlagError)) throw err;
  process.stderr.write(`${err.message}\n${JOIN_USAGE}\n`);
  process.exit(2);
}
if (flags.help) {
  process.stdout.write(`${JOIN_USAGE}\n`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'bkdms-join-bench-'));
const joinerKeys: string[] = [];
for (const name of ['sync', 'replay']) {
  mkdirSync(join(dir, name, 'data'), { recursive: true });
  writeFileSync(join(dir, name, 'passphrase'), PASS, { mode: 0o600 });
  joinerKeys.push(toHex((await generateKeystore(join(dir, name, 'node.key'), 'ed25519', PASS)).publicKey));
}
const siteSeeds = Array.from({ length: flags.sites }, () => randomBytes(32).toString('hex'));
const scp = generateX25519();
const now = Date.now();
const layout = await prepareCluster({
  dir: join(dir, 'cluster'),
  n: flags.validators,
  ports: await freeNodePorts(flags.validators),
  chainName: 'bkdms-join-bench',
  sites: genesisSites(siteSeeds.map((s, i) => syntheticSite(i, ed25519FromSeed(Buffer.from(s, 'hex'))))),
  scpKeys: [
    {
      publicKey: toHex(scp.publicKey),
      notBefore: new Date(now - 3600_000).toISOString(),
      notAfter: new Date(now + 86400_000).toISOString(),
    },
  ],
  params: {
    ...benchParams,
    maxBlockEnvelopes: flags.blockEnvelopes,
    snapshotInterval: flags.snapshotInterval,
  },
  tickMs: benchTickMs,
  logSpec: 'warn',
  extra: { observers: joinerKeys },
});
progress(`starting ${flags.validators} validator(s) in ${dir}`);
const cluster = await startCluster(layout);
const joiners: NodeProcess[] = [];
const clients: BkdmsClient[] = [];
const client = (address: string): BkdmsClient => {
  const c = new BkdmsClient({ address, tls: { insecure: true }, deadlineMs: 30_000 });
  clients.push(c);
  return c;
};

/** Starts observer `name` with an empty folder; resolves with its time to report `tip`. */
async function timeJoin(name: 'sync' | 'replay', tip: number) {
  const home = join(dir, name);
  const [ports] = await freeNodePorts(1);
  const config = {
    dataDir: 'data',
    genesis: layout.genesisPath,
    keystore: 'node.key',
    passphraseFile: 'passphrase',
    p2p: {
      listen: [`/ip4/127.0.0.1/tcp/${ports!.p2p}`],
      peers: layout.nodes.map((n) => peerAddress(n.publicKey, n.ports)),
    },
    rpc: { listen: `127.0.0.1:${ports!.rpc}`, insecure: true },
    mgmt: { listen: `127.0.0.1:${ports!.mgmt}` },
    log: { spec: 'info' },
    consensus: { tickMs: benchTickMs },
    stateSync: { enabled: name === 'sync', timeoutMs: 120_000 },
  };
  writeFileSync(join(home, 'config.json'), JSON.stringify(config, null, 2));
  const t0 = performance.now();
  const proc = startNodeProcess(
    joiners.length + flags.validators,
    join(home, 'config.json'),
    join(home, 'node.log'),
  );
  joiners.push(proc);
  await proc.ready;
  const readyMs = performance.now() - t0;
  progress(`${name}: ready after ${Math.round(readyMs)} ms; following its status to height ${tip}`);
  const c = client(`127.0.0.1:${ports!.rpc}`);
  let lastLog = 0;
  for (;;) {
    const st = await c.getStatus().catch(() => undefined);
    const ms = performance.now() - t0;
    if (st !== undefined && st.height >= tip) {
      await stopAll([proc]);
      return {
        ms: Math.round(ms),
        readyMs: Math.round(readyMs),
        earliestHeight: st.earliestHeight,
        // Above 1 only when it installed a snapshot (a replay keeps every body from block 1).
        stateSynced: st.earliestHeight > 1,
      };
    }
    if (ms > JOIN_TIMEOUT_MS) throw new Error(`${name}: did not reach height ${tip}; see ${proc.logPath}`);
    if (ms - lastLog > 5000) {
      lastLog = ms;
      progress(`${name}: height ${st?.height ?? '?'} of ${tip} after ${Math.round(ms / 1000)} s`);
    }
    await sleep(100);
  }
}

let ok = false;
try {
  const plan: DriverPlan = {
    rpc: cluster.rpc,
    chainIdHex: layout.chainId,
    scpPublicKeyHex: toHex(scp.publicKey),
    siteSeedsHex: siteSeeds,
    perSite: Math.ceil(flags.envelopes / flags.sites),
    firstSeq: 1,
    mode: { kind: 'open', maxPending: 20_000 },
    durationMs: JOIN_TIMEOUT_MS,
    warmupMs: 0,
    drainMs: 120_000,
    batch: 250,
    lanesPerNode: Math.max(4, Math.ceil(16 / flags.validators)),
  };
  progress(`generating ${plan.perSite * flags.sites} envelopes over ${flags.sites} sites`);
  const loadT0 = performance.now();
  const load = await runForkedDriver<DriverProgress, DriverResult>(
    driverEntry,
    plan,
    async () => progress('loading'),
    (p) => {
      if (Math.round(p.elapsedMs / 1000) % 10 === 0)
        progress(
          `loading: ${p.committed} committed, ${p.rejected} refused, ${Math.round(p.elapsedMs / 1000)} s`,
        );
    },
  );
  const loadMs = Math.round(performance.now() - loadT0);
  if (load.committed < flags.envelopes)
    throw new Error(
      `only ${load.committed} of ${flags.envelopes} envelopes committed (${JSON.stringify(load.rejected)})`,
    );
  const v0 = client(cluster.rpc[0]!);
  // No load, no blocks (empty periods make none): the tip stands still once the last commit landed.
  let tip = (await v0.getStatus()).height;
  for (;;) {
    await sleep(2 * benchParams.periodMs + 500);
    const h = (await v0.getStatus()).height;
    if (h === tip) break;
    tip = h;
  }
  progress(`loaded: ${load.committed} envelopes in ${tip} blocks (${loadMs} ms)`);
  const chainData = join(layout.dir, 'node-0', 'data');
  const loadBefore = loadavg();
  const sync = await timeJoin('sync', tip);
  progress(`state sync: ${sync.ms} ms (base ${sync.earliestHeight - 1})`);
  const replay = await timeJoin('replay', tip);
  progress(`block replay: ${replay.ms} ms`);
  if (!sync.stateSynced)
    throw new Error('the state-sync joiner did not install a snapshot (see its node.log)');
  const result = {
    date: new Date().toISOString(),
    validators: flags.validators,
    chain: {
      envelopes: load.committed,
      blocks: tip,
      maxBlockEnvelopes: flags.blockEnvelopes,
      snapshotInterval: flags.snapshotInterval,
      /** The snapshot the state-sync joiner installed; it block-synced the blocks above it. */
      snapshotHeight: sync.earliestHeight - 1,
      validatorDataMiB: mib(sizeOf(chainData)),
      loadMs,
    },
    stateSync: sync,
    blockReplay: replay,
    factor: speedup(replay.ms, sync.ms),
    machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
  };
  const text = JSON.stringify(result, null, 2);
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, `${text}\n`);
  console.log(text);
  ok = true;
} finally {
  for (const c of clients) c.close();
  await stopAll(joiners);
  await cluster.stop();
  // A failed run keeps its folder: the nodes' logs say why.
  if (ok) rmSync(dir, { recursive: true, force: true });
  else progress(`failed: the nodes' folders and logs are kept in ${dir}`);
}
