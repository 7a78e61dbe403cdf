// Plain shapes of the Management service (api/management.proto), shared by the server binding,
// the node's handlers and the client. Field names are the proto's in camelCase (proto-loader).
import type { CallBinder } from './service-registry.js';

export interface NodeIdentityInfo {
  peerId: string;
  /** -1 when the node is not a validator. */
  validatorIndex: number;
  org: string;
  publicKey: string;
  chainId: string;
}

export interface SoftwareInfo {
  version: string;
  commit: string;
  node: string;
  libp2p: string;
  grpcJs: string;
  classicLevel: string;
}

export interface HardwareInfo {
  cpuModel: string;
  cpuCores: number;
  memoryTotalBytes: number;
  memoryFreeBytes: number;
  diskTotalBytes: number;
  diskFreeBytes: number;
  os: string;
  arch: string;
  hostname: string;
}

export interface ConfigInfo {
  /** Canonical JSON (sorted keys) of the effective config, secrets redacted. */
  json: string;
  sha256: string;
}

export interface SyncInfo {
  height: number;
  latestBlockHash: string;
  latestBlockTime: number;
  stateRoot: string;
  catchingUp: boolean;
  view: number;
  primary: number;
  /** Lowest height whose block body the node holds (1 unless pruned). */
  earliestHeight: number;
}

export interface NodeInfo {
  identity: NodeIdentityInfo;
  software: SoftwareInfo;
  hardware: HardwareInfo;
  config: ConfigInfo;
  sync: SyncInfo;
  time: number;
}

export type PeerState = 'CONNECTED' | 'DIALING' | 'DOWN' | 'REFUSED';

export interface PeerLink {
  peerId: string;
  /** -1 for an observer or a peer outside the set. */
  validatorIndex: number;
  state: PeerState;
  /** 'INBOUND' | 'OUTBOUND', '' when not connected. */
  direction: string;
  remoteAddress: string;
  connectedSince: number;
  bytesSent: number;
  bytesReceived: number;
  sendRateBps: number;
  receiveRateBps: number;
  rttMs: number;
  rttAvgMs: number;
  /** -1 when unknown. */
  reportedHeight: number;
  configured: boolean;
}

export interface PeerList {
  peers: PeerLink[];
  time: number;
}

export interface NodeSample {
  time: number;
  hostCpu: number;
  processCpu: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  memoryFreeBytes: number;
  dataBytes: number;
  dataGrowthBps: number;
  diskFreeBytes: number;
  height: number;
  mempoolEnvelopes: number;
  peers: PeerLink[];
}

/** Who made a state-changing call, as requireAdmin proved it. */
export interface AdminCaller {
  id: string;
}

/** What BackupNode answers (api/management.proto). */
export interface NodeBackupResult {
  path: string;
  height: number;
  earliestHeight: number;
  chainId: string;
  manifestJson: string;
  archiveBytes: number;
  durationMs: number;
  admin: string;
}

/** What a node implements to serve bkdms.v1.Management. */
export interface ManagementApi {
  getNodeInfo(): Promise<NodeInfo>;
  listPeers(): Promise<PeerList>;
  /** The latest sample; WatchNode sends one per second. */
  sample(): NodeSample;
  /** Applies a log spec (RuntimeError BAD_CONFIG for a bad one); returns the spec in force. */
  setLogSpec(spec: string, admin: AdminCaller): string;
  /**
   * Writes a backup of the running node to `path` (absolute, on the node's machine). NodeError
   * BAD_CONFIG for a path it refuses, NOT_READY while another backup runs.
   */
  backupNode(path: string, admin: AdminCaller): Promise<Omit<NodeBackupResult, 'admin'>>;
  /** One line per management call at info: method and caller (peer address, admin ID). */
  logCall(method: string, caller: { peer: string; admin?: string }): void;
}

export type { CallBinder };
