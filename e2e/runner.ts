// Runs one manifest through its stages — setup, start, load, perturb, wait, check, stop — each
// logged with its times. A run whose checks fail keeps its folder (every node's config, data and
// log, the run's log and report.json) and says where; a passed run removes it unless kept.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pause } from '../api/retry.js';
import { type AlarmExpectations, settleAlarms } from './alarms.js';
import { type ByzantineFindings, checkByzantine } from './byzantine-run.js';
import { checkSet, describeSetCheck, type SetCheck } from './checker.js';
import { E2ECluster } from './cluster.js';
import { checkEvidence, evidenceInLog } from './evidence.js';
import { compareChains, readChain, traceAll, waitForOneTip } from './invariants.js';
import { type LoadStats, SetLoad, unexpectedRejections } from './load.js';
import { describeLoopDelay, type LoopDelay, LoopDelayMonitor } from './loop-delay.js';
import { byzantineNodes, type Manifest } from './manifest.js';
import { Perturber, type PerturbRecord } from './perturb.js';
import { chainUploads, E2EPlatform } from './platform.js';
import { checkPlatformRecords, describePlatformCheck, type PlatformCheck } from './platform-check.js';
import { checkPruning } from './prune-check.js';
import { FIRST_BLOCK_MS, MESH_MS, waitForFirstBlock, waitForMesh } from './readiness.js';

export interface RunOptions {
  /** Folder of the run (created); default a new one under the system's temporary folder. */
  dir?: string;
  /** Keep the folder of a passed run too. */
  keep?: boolean;
  /** Each log line as it happens (also written to <dir>/e2e.log). */
  log?: (line: string) => void;
}

export interface StageTime {
  stage: string;
  /** ms since the run started. */
  fromMs: number;
  toMs: number;
  /** The runner's own event-loop delay during the stage (a stalled runner shows here). */
  loopDelay: LoopDelay;
}

export interface RunReport {
  name: string;
  ok: boolean;
  dir: string;
  /** Whether the folder was left on disk. */
  kept: boolean;
  stages: StageTime[];
  failures: string[];
  tip: number;
  /** Per node, ms from its last fault until it held the final tip (-1: never). */
  caughtUpMs: number[];
  set?: SetCheck;
  load?: LoadStats;
  traced: number;
  /** ms from the start of the load until the first block committed (perturbations count from there). */
  firstBlockMs?: number;
  /** Each node's view at the end: how many view changes the run went through. */
  views: number[];
  perturbations: PerturbRecord[];
  /** Pieces of equivocation evidence the nodes logged, per node. */
  evidence: number[];
  /** Per honest node, the alarm IDs active at the end and every one raised during the run. */
  alarms: { node: number; active: string[]; raised: string[] }[];
  /** Latency per site, flooding nodes' penalties, memory (manifests that ask for them). */
  byzantine?: ByzantineFindings;
  /** Per node, its earliest block body at the end (manifests with `retain`). */
  earliest?: number[];
  /** The platform's extraction compared with the chain (manifests with `platform`). */
  platform?: PlatformCheck;
  /** ms from the platform's last fault until it had stored the final tip (-1: never; absent: no fault on it). */
  platformCaughtUpMs?: number;
}

/** How long the check waits for the alarms of faults just undone to clear (the nodes' clearMs and more). */
const ALARM_SETTLE_MS = 30_000;

export async function runManifest(m: Manifest, o: RunOptions = {}): Promise<RunReport> {
  const t0 = Date.now();
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), `bkdms-e2e-${m.name}-`));
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'e2e.log');
  const log = (line: string): void => {
    const text = `[+${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`;
    appendFileSync(logFile, `${text}\n`);
    o.log?.(text);
  };
  const report: RunReport = {
    name: m.name,
    ok: false,
    dir,
    kept: true,
    stages: [],
    failures: [],
    tip: 0,
    caughtUpMs: [],
    traced: 0,
    views: [],
    perturbations: [],
    evidence: [],
    alarms: [],
  };
  const loop = new LoopDelayMonitor();
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const from = Date.now() - t0;
    log(`stage ${name}`);
    loop.take();
    try {
      return await fn();
    } finally {
      const to = Date.now() - t0;
      const loopDelay = loop.take();
      report.stages.push({ stage: name, fromMs: from, toMs: to, loopDelay });
      log(
        `stage ${name} done in ${((to - from) / 1000).toFixed(1)} s; runner ${describeLoopDelay(loopDelay)}`,
      );
    }
  };
  log(
    `run ${m.name}: ${m.validators} validators, ${m.sites} sites, ${m.load.rate}/s for ${m.load.durationMs} ms, ${m.perturbations.length} perturbations; folder ${dir}`,
  );
  let cluster: E2ECluster | undefined;
  let platform: E2EPlatform | undefined;
  let load: SetLoad | undefined;
  const ac = new AbortController();
  try {
    const c = await stage('setup', async () => {
      const made = await E2ECluster.setup(m, join(dir, 'cluster'));
      cluster = made;
      if (m.platform !== undefined) {
        mkdirSync(join(dir, 'platform'), { recursive: true });
        platform = await E2EPlatform.setup(made, join(dir, 'platform'), m.platform.store);
      }
      return made;
    });
    const late = new Set(m.lateStart.map((l) => l.node));
    await stage('start', async () => {
      const first = c.layout.nodes.filter((x) => !late.has(x.index)).map((x) => x.index);
      await Promise.all(first.map((i) => c.start(i)));
      await waitForMesh(c, first, MESH_MS);
      // Running before the load, so that faults timed from the first block find it following:
      // a first start makes its database (over 3 minutes at a load average of 32).
      platform?.start();
      await platform?.waitReady();
    });
    const l = new SetLoad(c, m.load.rate, m.load.batch);
    load = l;
    const perturber = new Perturber(c, m, log, platform);
    report.perturbations = perturber.records;
    await stage('load', async () => {
      l.start();
      // Faults are timed from the first block under load: a loaded machine may take a while to get there.
      report.firstBlockMs = await waitForFirstBlock(c, FIRST_BLOCK_MS);
      log(`first block under load after ${report.firstBlockMs} ms`);
      perturber.start(Date.now(), ac.signal);
      await pause(m.load.durationMs, ac.signal);
      if (m.perturbations.some((p) => p.kind === 'crash-point')) {
        log('load goes on until every armed node has reached its crash point');
        await perturber.crashPointsReached();
      }
      l.stopGenerating();
    });
    await stage('perturb', () => perturber.done());
    report.failures.push(...perturber.errors.map((e) => `perturbation: ${e}`));
    const tip = await stage('wait', async () => {
      const drained = await l.drain(m.catchUpMs);
      if (!drained)
        report.failures.push(
          `${l.outstanding} envelopes still outstanding ${m.catchUpMs} ms after the load ended`,
        );
      await l.stop();
      const lastFault = Math.max(Date.now(), ...perturber.lastFault);
      return waitForOneTip(c, perturber.lastFault, lastFault + m.catchUpMs, byzantineNodes(m));
    });
    report.tip = tip.tip;
    report.caughtUpMs = tip.caughtUpMs;
    await stage('check', async () => {
      await check(c, m, l, perturber, tip, report, log);
      if (platform !== undefined && m.platform !== undefined)
        await checkPlatform(
          c,
          platform,
          perturber,
          m.platform.catchUpMs,
          byzantineNodes(m),
          tip.tip,
          report,
          log,
        );
    });
  } catch (err) {
    report.failures.push(`run stopped: ${(err as Error).message}`);
  } finally {
    ac.abort();
    await stage('stop', async () => {
      await platform?.close();
      await load?.stop();
      await cluster?.close();
    });
    loop.stop();
  }
  report.ok = report.failures.length === 0;
  report.load = load?.stats;
  for (const f of report.failures) log(`FAILED: ${f}`);
  const keep = !report.ok || o.keep === true;
  report.kept = keep;
  log(
    report.ok
      ? `run ${m.name} passed`
      : `run ${m.name} FAILED; every node's log and report.json are in ${dir}`,
  );
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (!keep) rmSync(dir, { recursive: true, force: true });
  return report;
}

async function check(
  c: E2ECluster,
  m: Manifest,
  load: SetLoad,
  perturber: Perturber,
  tip: Awaited<ReturnType<typeof waitForOneTip>>,
  report: RunReport,
  log: (line: string) => void,
): Promise<void> {
  const fail = (s: string): void => {
    report.failures.push(s);
  };
  // Liveness, the set and the traces are the honest nodes' promise; a Byzantine node's chain is
  // only checked not to fork from theirs.
  const byz = byzantineNodes(m);
  const honest = Array.from({ length: c.n }, (_, i) => i).filter((i) => !byz.has(i));
  for (const x of c.expectedExits)
    log(
      `node ${x.node} stopped on its own during a fault that allows it (${x.how}: a full disk, a crash point)`,
    );
  for (const x of c.unexpectedExits)
    fail(`node ${x.node} ended on its own (${x.how}); see ${c.layout.nodes[x.node]!.logPath}`);
  if (!tip.converged) fail(`the nodes did not reach one tip: heights ${tip.heights.join(', ')}`);
  tip.caughtUpMs.forEach((ms, i) => {
    if (byz.has(i)) return;
    if (ms < 0 || ms > m.catchUpMs)
      fail(`node ${i} did not reach the tip within ${m.catchUpMs} ms of its last fault`);
  });
  report.views = await Promise.all(
    Array.from({ length: c.n }, (_, i) =>
      c
        .client(i)
        .getStatus({ deadlineMs: 5_000 })
        .then((s) => s.view)
        .catch(() => -1),
    ),
  );
  log(`tip ${tip.tip}; views ${report.views.join(', ')}; caught up after (ms): ${tip.caughtUpMs.join(', ')}`);
  const archives = await checkPruning(c, m, honest, report, log);
  const chains = await Promise.all(
    Array.from({ length: c.n }, (_, i) =>
      readChain(
        c,
        i,
        byz.has(i) ? Math.max(0, Math.min(tip.tip, tip.heights[i] ?? 0)) : tip.tip,
        archives.get(i),
      ),
    ),
  );
  if (archives.size > 0)
    log(
      `blocks read from the archives after PRUNED, per node: ${chains.map((ch) => ch.archived ?? 0).join(', ')}`,
    );
  for (const ch of chains) for (const e of ch.errors.slice(0, 5)) fail(`block not verified: ${e}`);
  for (const f of compareChains(chains, byz).slice(0, 10)) fail(`fork: ${f}`);
  const set = checkSet(
    load.history,
    chains.filter((ch) => !byz.has(ch.read.node)).map((ch) => ch.read),
  );
  report.set = set;
  for (const line of describeSetCheck(set)) log(line);
  if (!set.ok) fail(describeSetCheck(set).slice(1).join('; '));
  const bad = unexpectedRejections(load.stats);
  if (Object.keys(bad).length > 0) fail(`uploads refused: ${JSON.stringify(bad)}`);
  if (set.counts.committed === 0 && m.load.durationMs > 0) fail('the load saw nothing committed');
  const committed = [...new Set(load.history.flatMap((e) => (e.kind === 'committed' ? [e.id] : [])))];
  const fromArchive = { n: 0 };
  const traceErrors = (
    await Promise.all(honest.map((i) => traceAll(c, i, committed, 8, archives.get(i), fromArchive)))
  ).flat();
  if (archives.size > 0) log(`${fromArchive.n} traces answered PRUNED and verified from the node's archive`);
  report.traced = committed.length * honest.length - traceErrors.length;
  for (const e of traceErrors.slice(0, 5)) fail(`trace: ${e}`);
  log(`traced ${report.traced} bundles (${committed.length} envelopes × ${honest.length} honest nodes)`);
  const seen = c.layout.nodes.flatMap((x) => evidenceInLog(x.index, x.logPath));
  report.evidence = c.layout.nodes.map((x) => seen.filter((e) => e.node === x.index).length);
  log(`evidence recorded per node: ${report.evidence.join(', ')}`);
  const modes = new Map(m.byzantine.map((b) => [b.node, b.modes]));
  for (const f of checkEvidence(
    seen,
    c.layout.nodes.map((x) => x.publicKey),
    modes,
  ))
    fail(`evidence: ${f}`);
  report.byzantine = await checkByzantine(c, m, load, chains, honest, log, fail);
  const offenders = new Map<number, Set<number>>();
  const indexOf = new Map(c.layout.nodes.map((x) => [x.publicKey.toLowerCase(), x.index]));
  for (const e of seen) {
    const x = indexOf.get(e.offender.toLowerCase());
    if (x !== undefined) offenders.set(e.node, (offenders.get(e.node) ?? new Set()).add(x));
  }
  const expect: AlarmExpectations = {
    byzantine: byz,
    evidence: offenders,
    divergentSnapshots: new Set(
      m.byzantine.filter((b) => b.modes.includes('divergent-snapshot')).map((b) => b.node),
    ),
    viewChangesCaused: m.perturbations.length > 0 || byz.size > 0,
  };
  const mgmt = honest.map((i) => ({ node: i, mgmtPort: c.layout.nodes[i]!.ports.mgmt }));
  const alarms = await settleAlarms(mgmt, expect, ALARM_SETTLE_MS);
  report.alarms = alarms.seen.map((n) => ({
    node: n.node,
    active: n.active.map((a) => a.id),
    raised: [...n.active, ...n.history].map((a) => a.id),
  }));
  log(`alarms active: ${report.alarms.map((a) => `node ${a.node} [${a.active.join(' ')}]`).join(', ')}`);
  for (const f of alarms.failures) fail(f);
  for (const r of perturber.records)
    if (r.crash !== undefined) log(`perturbation ${r.index}: died at ${r.crash.point} (${r.crash.how})`);
  for (const r of perturber.records) {
    if (r.stalled === undefined) continue;
    const { settledHeight, healHeight } = r.stalled;
    if (healHeight !== settledHeight)
      fail(
        `perturbation ${r.index}: blocks committed during a partition with no quorum (${settledHeight} → ${healHeight})`,
      );
    else if (tip.tip <= healHeight)
      fail(`perturbation ${r.index}: nothing committed after the partition healed`);
    log(
      `perturbation ${r.index}: height ${settledHeight} → ${healHeight} while partitioned; tip ${tip.tip} after`,
    );
  }
}

/**
 * The platform invariant: once the platform holds the tip it is stopped cleanly and its database
 * compared with the uploads of an honest node's chain, each block verified against the genesis.
 * With faults on the platform: it never ended on its own outside a crash point, and it held the
 * tip within `catchUpMs` of its last fault; a block it died inside is stored once, whole.
 */
async function checkPlatform(
  c: E2ECluster,
  platform: E2EPlatform,
  perturber: Perturber,
  catchUpMs: number,
  byz: ReadonlySet<number>,
  tip: number,
  report: RunReport,
  log: (line: string) => void,
): Promise<void> {
  const fail = (s: string): void => {
    report.failures.push(s);
  };
  const reached = await platform.reach(tip, catchUpMs);
  const how = await platform.stop();
  log(`platform stopped (${how}) at height ${platform.height}; the tip is ${tip}`);
  for (const x of platform.unexpectedExits)
    fail(`platform ended on its own (${x}); see ${join(platform.dir, 'platform.log')}`);
  if (perturber.platformLastFault > 0) {
    const at = platform.reachedAt(tip);
    const ms = at === undefined ? -1 : Math.max(0, at - perturber.platformLastFault);
    report.platformCaughtUpMs = ms;
    log(`platform at the tip ${ms} ms after its last fault`);
    if (ms < 0 || ms > catchUpMs)
      fail(`platform: not at the tip ${tip} within ${catchUpMs} ms of its last fault`);
  }
  if (!reached)
    fail(`platform: height ${platform.height} ${catchUpMs} ms after the tip ${tip}, or it exited`);
  if (how !== '0')
    fail(`platform: ended ${how}, not by a clean stop; see ${join(platform.dir, 'platform.log')}`);
  const honest = Array.from({ length: c.n }, (_, i) => i).find((i) => !byz.has(i)) ?? 0;
  // What the platform stored up to the tip: a block past it (none under the drained load) is not judged.
  const stored = (await platform.stored()).filter((p) => p.height <= tip);
  const chain = await chainUploads(c, honest, tip);
  const r = checkPlatformRecords(chain, stored);
  report.platform = r;
  const lines = describePlatformCheck(r);
  for (const line of lines) log(line);
  for (const rec of perturber.records) {
    const h = rec.crash?.height;
    if (!rec.platform || h === undefined) continue;
    const inChain = chain.filter((u) => u.height === h).length;
    const inDb = stored.filter((u) => u.height === h).length;
    log(
      `perturbation ${rec.index}: the platform died inside block ${h}'s transaction; ${inDb} of its ${inChain} uploads stored after the restart`,
    );
  }
  if (!r.ok) fail(lines.slice(1).join('; ') || lines[0]!);
}
