// The node's servers as lifecycle services (node/lifecycle.ts): the RPC server and the management
// port start listening in start() and close in stop(). Built here with everything they read.
import { readFileSync } from 'node:fs';
import type { AdminAuth } from '../../api/admin-auth.js';
import { type AlarmSourceApi, alarmsApiService } from '../../api/alarms.js';
import type { NodeApi } from '../../api/handlers.js';
import { logsServiceBinding } from '../../api/logs-binding.js';
import { LogsHandlers } from '../../api/logs-service.js';
import { type ApiServer, type ApiServerOptions, startApiServer } from '../../api/server.js';
import type { ServerTls } from '../../api/tls.js';
import type { Replica } from '../../consensus/replica.js';
import type { Service } from '../../runtime/lifecycle.js';
import type { Logger, Logs } from '../../runtime/log.js';
import type { Admission } from '../admission/admission.js';
import type { RecentRefusals } from '../admission/evictions.js';
import type { Chain } from '../chain/chain.js';
import type { NodeConfig } from '../config.js';
import type { Followers } from '../followers.js';
import type { Genesis } from '../genesis.js';
import { adminOnly, loopbackOrAdmin } from '../log-access.js';
import { createManagement } from '../mgmt/management.js';
import { createNodeMetrics, type NodeMetrics, rpcCallObserver } from '../mgmt/metrics.js';
import { registerPerfMetrics } from '../mgmt/perf-metrics.js';
import type { PerfSampler } from '../mgmt/perf-sampler.js';
import { type MgmtOptions, type MgmtServer, startMgmtServer } from '../mgmt/server.js';
import { logUnlessClosed } from '../network-wiring.js';
import { nodeHealth, nodeStatus } from '../node-status.js';
import type { P2P } from '../p2p/index.js';
import type { PersistedLedger } from '../persisted-ledger.js';
import { QueryCursors } from '../query-cursors.js';
import { RpcHandlers } from '../rpc-handlers.js';

export function tlsOf(c: NodeConfig['rpc']['tls']): ServerTls {
  if (c === undefined) return { insecure: true };
  return {
    cert: readFileSync(c.cert),
    key: readFileSync(c.key),
    clientCa: c.clientCa === undefined ? undefined : readFileSync(c.clientCa),
  };
}

/** The RPC server; `ready` is true between its start and its stop (the node answers NodeStatus so). */
export class RpcService implements Service {
  readonly name = 'rpc';
  ready = false;
  private server: ApiServer | undefined;
  private readonly handlers: NodeApi;

  /** `handlers` is given the readiness this service reports. */
  constructor(
    handlers: (isReady: () => boolean) => NodeApi,
    private readonly opts: ApiServerOptions,
  ) {
    this.handlers = handlers(() => this.ready);
  }

  get port(): number {
    return this.server?.port ?? 0;
  }

  async start(): Promise<void> {
    this.server = await startApiServer(this.handlers, this.opts);
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.server?.stop(2000);
  }
}

/** The management port (metrics, health, status, logs, faults). */
export class MgmtService implements Service {
  readonly name = 'mgmt';
  private server: MgmtServer | undefined;

  constructor(private readonly opts: MgmtOptions) {}

  get port(): number {
    return this.server?.port ?? 0;
  }

  async start(): Promise<void> {
    this.server = await startMgmtServer(this.opts);
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}

/** The node's metrics; they read the core and the mempool only when scraped. */
export function metricsOf(self: number, replica: Replica, chain: Chain): NodeMetrics {
  const { mempool } = chain;
  return createNodeMetrics({
    labels: { node: String(self) },
    sources: {
      viewChanges: () => replica.stats.viewChanges,
      mempool: () => ({ envelopes: mempool.size, bytes: mempool.byteSize }),
    },
  });
}

export interface ServersWiring {
  config: NodeConfig;
  genesis: Genesis;
  ledger: PersistedLedger;
  chain: Chain;
  replica: Replica;
  p2p: P2P;
  admission: Admission;
  refusals: RecentRefusals;
  cursorSecret: Uint8Array;
  metrics: NodeMetrics;
  logs: Logs;
  log: Logger;
  /** The validator's Ed25519 public key (GetNodeInfo). */
  publicKey: Uint8Array;
  /** Fault management: GET /alarms on the management port, the Alarms service on the RPC port. */
  alarms?: AlarmSourceApi;
  /** What the RPC server serves instead of the handlers themselves (the test kit's lying node only). */
  wrapApi?: (api: NodeApi) => NodeApi;
  /** Open block subscriptions (a hold on pruning). */
  followers?: Followers;
}

/** The Logs service, when the node writes log files: queries from loopback or an admin, deletion by an admin. */
function logsServices(w: ServersWiring, auth: AdminAuth): NonNullable<ApiServerOptions['services']> {
  if (w.config.logs === undefined) return [];
  const handlers = new LogsHandlers({
    dir: w.config.logs.dir,
    authorizeQuery: loopbackOrAdmin(auth),
    authorizeAdmin: adminOnly(auth),
    audit: w.logs.audit('logs'),
  });
  return [{ name: 'bkdms.v1.Logs', bind: () => logsServiceBinding(handlers) }];
}

export function createServers(w: ServersWiring): {
  rpc: RpcService;
  mgmt: MgmtService;
  sampler: PerfSampler;
} {
  const { contracts, store } = w.ledger;
  const { replica, p2p, chain } = w;
  // More services on the RPC port go into `services` (api/service-registry.ts).
  const management = createManagement(w);
  registerPerfMetrics(w.metrics.registry, () => management.sampler.sample());
  const validators = () => contracts.validators(replica.state.height + 1);
  const status = () => nodeStatus({ genesis: w.genesis, replica, p2p, validators });
  const wrap = w.wrapApi ?? ((api: NodeApi) => api);
  const rpc = new RpcService(
    (isReady) =>
      wrap(
        new RpcHandlers({
          admission: w.admission,
          store,
          contracts,
          proven: w.ledger.proven,
          mempool: chain.mempool,
          refusals: w.refusals,
          notifier: chain.notifier,
          cursors: new QueryCursors(w.cursorSecret),
          status,
          isReady,
          audit: w.logs.audit('rpc'),
          followers: w.followers,
        }),
      ),
    {
      listen: w.config.rpc.listen,
      tls: tlsOf(w.config.rpc.tls),
      onCall: rpcCallObserver(w.metrics),
      onInternalError: (method, err) => logUnlessClosed(w.log, err, `rpc ${method} failed`),
      services: [
        management.service,
        ...(w.alarms === undefined
          ? []
          : [alarmsApiService(w.alarms, { admin: management.auth, audit: w.logs.audit('alarms') })]),
        ...logsServices(w, management.auth),
      ],
    },
  );
  const mgmtTls = w.config.mgmt.tls;
  const mgmt = new MgmtService({
    listen: w.config.mgmt.listen,
    ...(mgmtTls === undefined
      ? {}
      : {
          tls: {
            cert: readFileSync(mgmtTls.cert),
            key: readFileSync(mgmtTls.key),
            clientCa: readFileSync(mgmtTls.clientCa),
          },
        }),
    registry: w.metrics.registry,
    health: () => nodeHealth(status(), p2p, validators().length),
    status: () => ({ ...status(), height: chain.height, mempool: chain.mempool.size }),
    logs: w.logs,
    alarms: w.alarms,
    audit: w.logs.audit('mgmt'),
  });
  return { rpc, mgmt, sampler: management.sampler };
}
