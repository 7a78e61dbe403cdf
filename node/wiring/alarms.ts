// Fault management of the node (node/mgmt/alarms/): the collector reading the node's parts, the
// service evaluating the rules on a timer, and the alarm metric. Built after the driver (whose
// vote and evidence counters it reads) and before the servers that serve it.
import type { Replica } from '../../consensus/replica.js';
import { listClients } from '../../ledger/xchain/client.js';
import type { Logger } from '../../runtime/log.js';
import type { Chain } from '../chain/chain.js';
import type { NodeConfig } from '../config.js';
import type { ConsensusDriver } from '../consensus-driver.js';
import type { GovernanceAudit } from '../gov-audit.js';
import { SignalCollector } from '../mgmt/alarms/collector.js';
import { AlarmService } from '../mgmt/alarms/service.js';
import { type NodeMetrics, registerAlarmMetric } from '../mgmt/metrics.js';
import type { P2P } from '../p2p/index.js';
import type { PersistedLedger } from '../persisted-ledger.js';

export interface AlarmsWiring {
  config: NodeConfig;
  replica: Replica;
  p2p: P2P;
  chain: Chain;
  ledger: PersistedLedger;
  driver: ConsensusDriver;
  metrics: NodeMetrics;
  governance: GovernanceAudit;
  log: Logger;
  /** The snapshot comparison's findings (node/snapshot/comparer.ts). */
  snapshotDivergence?: () => { peer: number; height: number; ours: string; theirs: string }[];
}

export async function createAlarms(w: AlarmsWiring): Promise<AlarmService> {
  const { contracts } = w.ledger;
  const collector = new SignalCollector({
    replica: w.replica,
    connectedPeers: () => w.p2p.connectedPeers(),
    validators: () => contracts.validators(w.replica.state.height + 1),
    pending: () => w.chain.mempool.size,
    faults: w.driver.faultSignals,
    scpKeys: () => contracts.scpKeys(),
    dataDir: w.config.dataDir,
    tlsCert: w.config.rpc.tls?.cert,
    restartNotice: process.env.BKDMS_RESTART,
    snapshotDivergence: w.snapshotDivergence,
    xchainClients: () => listClients(contracts.state),
  });
  const tip = w.ledger.tip();
  if (tip !== undefined) collector.noteTip(tip.height, tip.hash, tip.stateRoot);
  w.chain.onCommitted(collector.onCommitted);
  w.governance.on((e) => {
    if (e.type === 'membership')
      collector.noteMemberChange({
        at: e.time,
        height: e.height,
        proposal: e.proposal,
        kind: e.kind,
        op: e.op,
        id: e.id,
      });
  });
  const alarms = await AlarmService.open(
    w.config.alarms,
    w.config.dataDir,
    () => collector.snapshot(),
    w.log,
  );
  registerAlarmMetric(w.metrics, () => alarms.list());
  return alarms;
}
