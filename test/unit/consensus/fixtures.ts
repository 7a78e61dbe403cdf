// Real consensus traffic for unit tests, produced by the simulator: a cluster whose block 1
// prepares but cannot commit (COMMITs filtered), then whose primary crashes, so that
// VIEW-CHANGEs carry prepared proofs and a NEW-VIEW re-proposes the block.
import {
  type CertifiedBlock,
  type ConsensusMessage,
  MessageType,
  type ViewChange,
} from '../../../codec/types.js';
import { ConsensusError } from '../../../consensus/index.js';
import { Cluster } from '../../../testkit/sim/cluster.js';

export interface Traffic {
  cluster: Cluster;
  messages: ConsensusMessage[];
  certified: CertifiedBlock;
  viewChange: ViewChange;
}

export function viewChangeTraffic(): Traffic {
  const messages: ConsensusMessage[] = [];
  const cluster = new Cluster({ n: 4, seed: 5, tap: (m) => messages.push(m) });
  cluster.filters.push({ type: MessageType.Commit });
  cluster.request(2);
  cluster.run(6);
  cluster.crash(0);
  cluster.heal();
  cluster.runUntil(() => cluster.nodes[1]!.height >= 1, 600);
  const certified = cluster.nodes[1]!.log[0]!;
  const viewChange = messages.find(
    (m): m is ViewChange => m.type === MessageType.ViewChange && m.prepared.length > 0,
  );
  if (viewChange === undefined) throw new Error('fixture: no VIEW-CHANGE with a prepared proof');
  return { cluster, messages, certified, viewChange };
}

/** The ConsensusError code `f` throws, or undefined if it returns (anything else is rethrown). */
export function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ConsensusError) return e.code;
    throw e;
  }
  return undefined;
}
