// The node's side of bkdms.v1.Management: node info, the peer table, performance samples and log
// levels, over the node's parts. Built by `createManagement` for the RPC server's service list
// (node/wiring/servers.ts); the sampler is a lifecycle service of its own.

import { statSync } from 'node:fs';
import { AdminAuth, isAmong } from '../../api/admin-auth.js';
import { ManagementService } from '../../api/management-service.js';
import type {
  AdminCaller,
  ManagementApi,
  NodeBackupResult,
  NodeInfo,
  NodeSample,
  PeerLink,
  PeerList,
} from '../../api/management-types.js';
import type { Replica } from '../../consensus/replica.js';
import { toHex } from '../../crypto/bytes.js';
import { type AdminsRecord, K } from '../../ledger/records.js';
import type { Logger, Logs } from '../../runtime/log.js';
import { createLiveNodeBackup, progressLogger } from '../backup/live-backup.js';
import type { Chain } from '../chain/chain.js';
import type { NodeConfig } from '../config.js';
import { NodeError, NodeErrorCode } from '../errors.js';
import type { Genesis } from '../genesis.js';
import { type P2P, type PeerLinkStats, peerIdOfPublicKey } from '../p2p/index.js';
import type { PersistedLedger } from '../persisted-ledger.js';
import { nodeInfo } from './node-info.js';
import { PerfSampler } from './perf-sampler.js';

export interface ManagementWiring {
  config: NodeConfig;
  genesis: Genesis;
  ledger: PersistedLedger;
  chain: Chain;
  replica: Replica;
  p2p: P2P;
  logs: Logs;
  /** The validator's own public key. */
  publicKey: Uint8Array;
}

/** A PeerLinkStats of node/p2p as the API's PeerLink; rates are left to the sampler. */
export function toPeerLink(l: PeerLinkStats, heights: ReadonlyMap<string, number>): PeerLink {
  return {
    peerId: l.peerId,
    validatorIndex: l.validatorIndex ?? -1,
    state: l.state.toUpperCase() as PeerLink['state'],
    direction: l.direction?.toUpperCase() ?? '',
    remoteAddress: l.remoteAddress,
    connectedSince: l.openedAt ?? 0,
    bytesSent: l.bytesSent,
    bytesReceived: l.bytesReceived,
    sendRateBps: 0,
    receiveRateBps: 0,
    rttMs: l.rtt?.lastMs ?? 0,
    rttAvgMs: l.rtt?.avgMs ?? 0,
    reportedHeight: heights.get(l.peerId) ?? -1,
    configured: l.configured,
  };
}

export class NodeManagement implements ManagementApi {
  readonly sampler: PerfSampler;
  private readonly log: Logger;
  private backingUp = false;

  constructor(private readonly w: ManagementWiring) {
    this.log = w.logs.logger('mgmt');
    this.sampler = new PerfSampler({
      dataDir: w.config.dataDir,
      height: () => w.chain.height,
      mempoolEnvelopes: () => w.chain.mempool.size,
      peers: () => this.peerRows(),
    });
  }

  private peerRows(): PeerLink[] {
    const heights = new Map<string, number>();
    for (const a of this.w.replica.announcedHeights()) heights.set(peerIdOfPublicKey(a.key), a.height);
    return this.w.p2p.links().map((l) => toPeerLink(l, heights));
  }

  async getNodeInfo(): Promise<NodeInfo> {
    const { w } = this;
    return nodeInfo({
      config: w.config,
      identity: () => ({
        peerId: w.p2p.peerId,
        validatorIndex: w.replica.state.self,
        org: w.config.org ?? '',
        publicKey: toHex(w.publicKey),
        chainId: toHex(w.genesis.chainId),
      }),
      sync: () => {
        const tip = w.ledger.store.tip();
        const st = w.replica.state;
        return {
          height: tip?.height ?? 0,
          latestBlockHash: toHex(tip?.hash ?? w.genesis.chainId),
          latestBlockTime: w.chain.parents.header?.time ?? 0,
          stateRoot: toHex(w.ledger.contracts.state.root()),
          catchingUp: w.replica.footprint().transferQueue > 0 || st.applied < st.height,
          view: st.view,
          primary: st.primary,
          earliestHeight: w.ledger.store.earliestHeight(),
        };
      },
    });
  }

  async listPeers(): Promise<PeerList> {
    // Fresh counters; rates from the last sample of the same connection.
    const rates = new Map(this.sampler.sample().peers.map((p) => [`${p.peerId}@${p.connectedSince}`, p]));
    const peers = this.peerRows().map((p) => {
      const r = rates.get(`${p.peerId}@${p.connectedSince}`);
      return r === undefined ? p : { ...p, sendRateBps: r.sendRateBps, receiveRateBps: r.receiveRateBps };
    });
    return { peers, time: Date.now() };
  }

  sample(): NodeSample {
    return this.sampler.sample();
  }

  setLogSpec(spec: string, admin: AdminCaller): string {
    const before = this.w.logs.spec();
    this.w.logs.setLogSpec(spec);
    const after = this.w.logs.spec();
    this.log.info({ admin: admin.id, before, after }, 'log spec changed');
    return after;
  }

  async backupNode(path: string, admin: AdminCaller): Promise<Omit<NodeBackupResult, 'admin'>> {
    if (this.backingUp)
      throw new NodeError(NodeErrorCode.NotReady, 'a backup of this node is already running');
    this.backingUp = true;
    try {
      this.log.info({ event: 'backup.start', admin: admin.id, path }, 'backup started');
      const r = await createLiveNodeBackup(
        this.w.ledger.store,
        this.w.config.dataDir,
        path,
        progressLogger((fields, msg) => this.log.info({ event: 'backup.progress', ...fields }, msg)),
      );
      const archiveBytes = statSync(path).size;
      const summary = { height: r.copy.tip, earliestHeight: r.copy.earliestHeight, archiveBytes, ms: r.ms };
      this.log.info({ event: 'backup.done', admin: admin.id, path, ...summary }, 'backup written');
      return {
        path,
        height: r.copy.tip,
        earliestHeight: r.copy.earliestHeight,
        chainId: r.copy.chainId,
        manifestJson: JSON.stringify(r.manifest),
        archiveBytes,
        durationMs: r.ms,
      };
    } catch (err) {
      this.log.warn({ event: 'backup.failed', admin: admin.id, path, err: String(err) }, 'backup failed');
      throw err;
    } finally {
      this.backingUp = false;
    }
  }

  logCall(method: string, caller: { peer: string; cert?: string; admin?: string }): void {
    this.log.info({ method, caller }, 'management call');
  }
}

/**
 * The Management service and its sampler, for the RPC server and the lifecycle, and the node's one
 * administrator check (AdminAuth), which the Alarms and Logs services use too: one nonce memory,
 * so a signed request is accepted once whichever service it is sent to.
 */
export function createManagement(w: ManagementWiring): {
  service: ManagementService;
  sampler: PerfSampler;
  auth: AdminAuth;
} {
  const mgmt = new NodeManagement(w);
  const auth = new AdminAuth({
    chainId: w.genesis.chainId,
    audience: w.p2p.peerId,
    isAdmin: (key) => isAmong(w.ledger.contracts.state.get<AdminsRecord>(K.admins)?.admins ?? [], key),
    certSha256: w.config.admin.certSha256,
    windowMs: w.config.admin.signatureWindowMs,
  });
  return { service: new ManagementService(mgmt, auth), sampler: mgmt.sampler, auth };
}
