// One watched node: its Ledger status read once a second, its Management node info and its
// once-a-second performance samples (one WatchNode stream, reopened after a failure), and its
// active alarms from the management HTTP port when the console knows it. However many browsers
// look, this is all the console asks of a node: the viewers share what it holds.
import { BkdmsClient } from '../api/client.js';
import { ManagementClient } from '../api/management-client.js';
import type { NodeInfo, NodeSample, PeerLink } from '../api/management-types.js';
import { pause } from '../api/retry.js';
import type { ClientTls } from '../api/tls.js';
import { SyncState } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';

export interface StatusView {
  chainId: string;
  height: number;
  view: number;
  primary: number;
  validators: string[];
  peers: number;
  synced: boolean;
  lastBlockHash: string;
  mempoolEnvelopes: number;
  selfIndex: number;
  /** The node's earliest block body (pruned, or joined by state sync); absent: 1. */
  earliestHeight?: number;
}

export interface AlarmView {
  id: string;
  severity: string;
  state: string;
  cause: string;
  raisedAt: number;
  clearedAt?: number;
  acknowledgedBy?: string;
}

export interface NodeView {
  name: string;
  rpc: string;
  mgmt?: string;
  up: boolean;
  /** When the console last read this node's status (ms); its own lag to the node is now − this. */
  lastOkAt: number;
  /** How long the last status read took, ms. */
  readMs: number;
  error?: string;
  status?: StatusView;
  info?: NodeInfo;
  peers: PeerLink[];
  samples: (Pick<
    NodeSample,
    'time' | 'hostCpu' | 'processCpu' | 'rssBytes' | 'dataBytes' | 'diskFreeBytes'
  > & {
    /** The node's view and primary from its status read within the last STATUS_FRESH_MS (the
     * consensus page's view history); absent when the console has no fresh status of it. */
    view?: number;
    primary?: number;
  })[];
  alarms: AlarmView[];
  alarmsError?: string;
}

export interface NodeWatchOptions {
  rpc: string;
  mgmt?: string;
  tls: ClientTls;
  name: string;
  now?: () => number;
  /** Pause before reopening the WatchNode stream after it ended or failed, ms (default 1000). */
  reopenMs?: number;
}

const MAX_SAMPLES = 120;
/** A status read this recent still says the node's view: older, it may predate a restart. */
const STATUS_FRESH_MS = 3_000;
const INFO_EVERY_MS = 10_000;

export class NodeWatch {
  readonly client: BkdmsClient;
  private readonly mgmtClient: ManagementClient;
  private readonly now: () => number;
  private readonly abort = new AbortController();
  private infoAt = 0;
  readonly view: NodeView;

  constructor(private readonly opts: NodeWatchOptions) {
    this.now = opts.now ?? Date.now;
    // No retries: a node that does not answer is shown down at once, the next poll asks again.
    this.client = new BkdmsClient({
      address: opts.rpc,
      tls: opts.tls,
      deadlineMs: 3_000,
      retry: { maxAttempts: 1 },
    });
    this.mgmtClient = new ManagementClient({ address: opts.rpc, tls: opts.tls });
    this.view = {
      name: opts.name,
      rpc: opts.rpc,
      up: false,
      lastOkAt: 0,
      readMs: 0,
      peers: [],
      samples: [],
      alarms: [],
    };
    if (opts.mgmt !== undefined) this.view.mgmt = opts.mgmt;
  }

  /** Where a call to this node's RPC port goes (admin calls, log queries). */
  get rpcTarget(): { address: string; tls: ClientTls; deadlineMs: number } {
    return { address: this.opts.rpc, tls: this.opts.tls, deadlineMs: 10_000 };
  }

  /** One round of reads (status, node info now and then, alarms); never throws. */
  async poll(): Promise<void> {
    const started = this.now();
    try {
      const s = await this.client.getStatus({ deadlineMs: 3_000 });
      this.view.status = {
        chainId: toHex(s.chainId),
        height: s.height,
        view: s.view,
        primary: s.primary,
        validators: s.validators.map(toHex),
        peers: s.peers.length,
        synced: s.syncState === SyncState.Synced,
        lastBlockHash: toHex(s.lastBlockHash),
        mempoolEnvelopes: s.mempoolEnvelopes,
        selfIndex: s.selfIndex,
        earliestHeight: s.earliestHeight,
      };
      this.view.up = true;
      this.view.lastOkAt = this.now();
      this.view.readMs = this.view.lastOkAt - started;
      delete this.view.error;
    } catch (err) {
      this.view.up = false;
      this.view.error = err instanceof Error ? err.message : String(err);
    }
    if (this.view.up && this.now() - this.infoAt >= INFO_EVERY_MS) {
      try {
        this.view.info = await this.mgmtClient.getNodeInfo();
        this.infoAt = this.now();
      } catch {
        // Node info is a nicety: the status above already says whether the node is up.
      }
    }
    await this.pollAlarms();
  }

  private async pollAlarms(): Promise<void> {
    if (this.opts.mgmt === undefined) return;
    try {
      const res = await fetch(`http://${this.opts.mgmt}/alarms`, { signal: AbortSignal.timeout(3_000) });
      if (!res.ok) throw new Error(`answered ${res.status}`);
      this.view.alarms = ((await res.json()) as { alarms: AlarmView[] }).alarms;
      delete this.view.alarmsError;
    } catch (err) {
      this.view.alarmsError = err instanceof Error ? err.message : String(err);
    }
  }

  /** Alarm history (cleared alarms) from the management port; [] when the console has none. */
  async alarmHistory(): Promise<AlarmView[]> {
    if (this.opts.mgmt === undefined) return [];
    const res = await fetch(`http://${this.opts.mgmt}/alarms/history`, {
      signal: AbortSignal.timeout(3_000),
    });
    if (!res.ok) throw new Error(`${this.opts.mgmt} answered ${res.status}`);
    return ((await res.json()) as { alarms: AlarmView[] }).alarms;
  }

  /** Follows the node's WatchNode stream until stop(), reopening it a second after it ends. */
  async followSamples(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        for await (const s of this.mgmtClient.watchNode(0, signal)) {
          this.view.peers = s.peers;
          const st = this.view.status;
          const fresh =
            this.view.up && st !== undefined && this.now() - this.view.lastOkAt <= STATUS_FRESH_MS;
          this.view.samples.push({
            ...(fresh ? { view: st.view, primary: st.primary } : {}),
            time: s.time,
            hostCpu: s.hostCpu,
            processCpu: s.processCpu,
            rssBytes: s.rssBytes,
            dataBytes: s.dataBytes,
            diskFreeBytes: s.diskFreeBytes,
          });
          if (this.view.samples.length > MAX_SAMPLES) this.view.samples.shift();
        }
      } catch {
        // The node is down or restarting: the status poll reports it; try the stream again.
      }
      // A node down for days means a pause a second on the one signal: pause() removes its
      // listener each time, so none pile up.
      await pause(this.opts.reopenMs ?? 1_000, signal);
    }
  }

  close(): void {
    this.abort.abort();
    this.client.close();
    this.mgmtClient.close();
  }
}
