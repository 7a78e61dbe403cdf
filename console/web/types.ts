// The shapes the backend sends (console/service.ts, console/routes.ts), as the page reads them.
import type { PeerLink } from '../../api/management-types.js';
import type { BlockSummary, ConsistencyRow } from '../chain-view.js';
import type { EnvelopeSummary } from '../envelope-summary.js';
import type { AlarmView, StatusView } from '../node-watch.js';
import type { PlatformView } from '../platform-watch.js';
import type { ConsoleAnchor } from '../service.js';

export type {
  AlarmView,
  BlockSummary,
  ConsistencyRow,
  ConsoleAnchor,
  EnvelopeSummary,
  PeerLink,
  PlatformView,
  StatusView,
};

export interface NodeRow {
  name: string;
  rpc: string;
  mgmt?: string;
  up: boolean;
  lastOkAt: number;
  lagMs: number;
  readMs: number;
  error?: string;
  status?: StatusView;
  peers: PeerLink[];
  alarms: AlarmView[];
  alarmsError?: string;
  sample?: NodeSamplePoint;
}

/** One performance sample of a node, as the backend's snapshot carries it. */
export interface NodeSamplePoint {
  time: number;
  hostCpu: number;
  processCpu: number;
  rssBytes: number;
  dataBytes: number;
  diskFreeBytes: number;
  /** The node's view and primary at about that time (its status), when the console had them. */
  view?: number;
  primary?: number;
}

export interface Snapshot {
  time: number;
  chainId?: string;
  height: number;
  blockIntervalMs?: number;
  envelopesPerSecond: number;
  nodesUp: number;
  nodes: NodeRow[];
  validators: string[];
  primary?: number;
  view?: number;
  lastVotes: (number | null)[];
  recentBlocks: BlockSummary[];
  consistency?: ConsistencyRow;
  activeAlarms: number;
  platform?: PlatformView;
  /** Key ID of the console's administrator key; absent when it is read-only. */
  adminKeyId?: string;
}

export interface BundleHex {
  envelope: string;
  header: string;
  leafIndex: number;
  proof: string[];
  certificate: string;
  height: number;
}
