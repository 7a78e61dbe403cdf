// `bkdms bench cluster`: the cluster load benchmark (devnet/load/cluster-bench.ts) from the command line.
import type { Command } from 'commander';
import { runClusterBench } from '../devnet/load/cluster-bench.js';

interface BenchClusterOpts {
  nodes: string;
  duration?: string;
  rate?: string;
  dir?: string;
  target?: boolean;
  cpuProf?: string;
  drain?: string;
  ci?: boolean;
}

const positive = (flag: string, v: string): number => {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0) throw new Error(`${flag} must be a positive number`);
  return x;
};

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('benchmarks');
  bench
    .command('cluster')
    .description(
      'drive local clusters over gRPC from a separate process and report committed envelopes/s, latency, rejections, CPU and RSS per node against the verify bound',
    )
    .option('-n, --nodes <list>', 'cluster sizes to run, comma-separated (1, 4, 7, ...)', '1,4')
    .option('--duration <s>', 'timed window per scenario, seconds')
    .option('--rate <perSecond>', 'fixed offered rate instead of open loop')
    .option('--dir <dir>', 'keep the bench clusters in <dir>/n<N> (reused by later runs)')
    .option(
      '--target',
      'drive the cluster already running in <dir>/n<N> (`bkdms cluster up --dir <dir>/n<N>`)',
    )
    .option('--cpu-prof <dir>', 'write each node process a V8 CPU profile into <dir> when it stops')
    .option(
      '--drain <s>',
      'after the window, wait up to this long for the accepted envelopes to commit (default 60)',
    )
    .option('--ci', 'short run; exit 1 when a guard fails')
    .action(async (o: BenchClusterOpts) => {
      const sizes = o.nodes.split(',').map((s) => positive('--nodes', s));
      if (o.target && o.dir === undefined) throw new Error('--target needs --dir');
      const report = await runClusterBench({
        ci: o.ci === true,
        sizes,
        durationMs: o.duration === undefined ? undefined : positive('--duration', o.duration) * 1000,
        rate: o.rate === undefined ? undefined : positive('--rate', o.rate),
        dir: o.dir,
        target: o.target === true,
        cpuProfDir: o.cpuProf,
        drainMs: o.drain === undefined ? undefined : positive('--drain', o.drain) * 1000,
      });
      if (!report.guards.every((g) => g.pass)) process.exitCode = 1;
    });
}
