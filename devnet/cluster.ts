// A running local cluster: one process per node of a prepared layout, started together; resolves
// once every node has logged `node.ready`. Used by `bkdms cluster up`, the demo, the benchmarks
// and the integration tests.
import type { ClusterLayout } from './layout.js';
import { type NodeProcess, startNodeProcess, stopAll, writePids } from './processes.js';

export interface RunningCluster {
  layout: ClusterLayout;
  procs: NodeProcess[];
  /** RPC addresses (host:port) in node order. */
  rpc: string[];
  mgmt: string[];
  /** Restarts node i (after a kill or stop) and resolves when it is ready again; `env` adds to its environment. */
  restart(i: number, env?: NodeJS.ProcessEnv): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Arguments for node itself in every node process (the benchmark's --cpu-prof). */
  nodeArgs?: readonly string[];
  /** A command every node runs under (`['heaptrack', '-o', file]`); see startNodeProcess. */
  wrapper?: readonly string[];
  /** Environment and `node start` arguments of one node (a test's lying node: docs/operations.md). */
  perNode?: (index: number) => { env?: NodeJS.ProcessEnv; args?: readonly string[] };
}

export async function startCluster(layout: ClusterLayout, opts: StartOptions = {}): Promise<RunningCluster> {
  const start = (n: ClusterLayout['nodes'][number], env?: NodeJS.ProcessEnv): NodeProcess => {
    const own = opts.perNode?.(n.index) ?? {};
    return startNodeProcess(
      n.index,
      n.configPath,
      n.logPath,
      opts.nodeArgs,
      { ...own.env, ...env },
      own.args,
      opts.wrapper,
    );
  };
  const procs = layout.nodes.map((n) => start(n));
  try {
    await Promise.all(procs.map((p) => p.ready));
  } catch (err) {
    await stopAll(procs);
    throw err;
  }
  writePids(layout.dir, procs);
  const cluster: RunningCluster = {
    layout,
    procs,
    rpc: layout.nodes.map((n) => `127.0.0.1:${n.ports.rpc}`),
    mgmt: layout.nodes.map((n) => `127.0.0.1:${n.ports.mgmt}`),
    async restart(i, env) {
      const p = start(layout.nodes[i]!, env);
      procs[i] = p;
      await p.ready;
      writePids(layout.dir, procs);
    },
    stop: () => stopAll(procs),
  };
  return cluster;
}
