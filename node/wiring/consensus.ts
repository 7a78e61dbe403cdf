// Builds the consensus side of a node: the PBFT core (Replica) for this key at the stored tip, and
// the driver that runs it against real time, disk and network, reporting applied blocks to the
// chain aggregate.

import { WIRE_VERSION } from '../../codec/caps.js';
import { Replica } from '../../consensus/replica.js';
import { toHex } from '../../crypto/bytes.js';
import type { Ed25519KeyPair } from '../../crypto/ed25519.js';
import type { VerifyPool } from '../../crypto/verify-pool.js';
import type { Logger, Logs } from '../../runtime/log.js';
import { type RecentRefusals, reauthorizer, seqCheckOf } from '../admission/evictions.js';
import type { Chain } from '../chain/chain.js';
import type { MempoolEntry } from '../chain/mempool.js';
import { envelopeTracingCode } from '../chain/tx-hash.js';
import { lookUpCommitted } from '../committed-lookup.js';
import { ConsensusDriver, loadConsensusState, type OutboundRewrite } from '../consensus-driver.js';
import { consensusDeps, consensusParamsOf, validatorHistory } from '../consensus-setup.js';
import type { Genesis } from '../genesis.js';
import type { GossipBacklog } from '../gossip-backlog.js';
import type { P2P } from '../p2p/index.js';
import { consensusTransport } from '../p2p/index.js';
import type { PersistedLedger } from '../persisted-ledger.js';
import { ProposalBodies } from '../proposal-bodies.js';

export interface ReplicaOf {
  replica: Replica;
  /** This key's index in the validator set in force, -1 when it is not in it (a joining node). */
  self: number;
  validators: Uint8Array[];
}

export async function createReplica(
  key: Ed25519KeyPair,
  genesis: Pick<Genesis, 'chainId'>,
  ledger: PersistedLedger,
  chain: Chain,
  tickMs: number,
  log: Logger,
  observers: readonly Uint8Array[] = [],
): Promise<ReplicaOf> {
  const { store, contracts } = ledger;
  const tip = store.tip();
  const height = tip?.height ?? 0;
  const validators = contracts.validators(height + 1);
  const self = validators.findIndex((v) => toHex(v) === toHex(key.publicKey));
  // A key outside the set in force runs as a joining node: it follows the chain (commits from
  // PRE-PREPAREs and certificates, state transfer) and votes from the height at which governance
  // activates a set holding it. The validators admit its connection once that set is scheduled.
  if (self < 0)
    log.warn(
      { key: toHex(key.publicKey), height },
      'this key is not in the validator set in force: following the chain as a joining node until a governance change activates it',
    );
  const replica = new Replica(
    {
      chainId: genesis.chainId,
      self,
      key: key.publicKey,
      validators,
      params: consensusParamsOf(chain.params.next(), tickMs),
      tip: { height, hash: tip?.hash ?? genesis.chainId },
      // The sets that signed checkpoints below the tip: a restarted node checks old proofs with them.
      history: validatorHistory(contracts.state, height),
      // Observers (config p2p.observers) are served blocks too: a non-validator follower catches up.
      observers,
    },
    consensusDeps(key, chain.blockContext, (h) => chain.recent.get(h)),
    loadConsensusState(store, log),
  );
  return { replica, self, validators };
}

export interface DriverWiring {
  replica: Replica;
  ledger: PersistedLedger;
  chain: Chain;
  pool: VerifyPool;
  p2p: P2P;
  tickMs: number;
  logs: Pick<Logs, 'logger' | 'consensus' | 'contract'>;
  /** Where evictions are remembered for GetReceipt. */
  refusals: RecentRefusals;
  onFatal(err: unknown): void;
  /** Envelopes gossiped to this node that wait for admission (a PROPOSAL's rebuild takes them). */
  backlog: GossipBacklog;
  /** TEST ONLY: the test kit's rewrite of outbound consensus messages (Byzantine modes). */
  rewrite?: OutboundRewrite;
  /** TEST ONLY: the test kit's censoring of newly admitted envelopes (`censor-site`). */
  censor?: (entries: MempoolEntry[]) => MempoolEntry[];
}

export function createDriver(w: DriverWiring): ConsensusDriver {
  const log = w.logs.logger('consensus');
  const mempool = w.chain.mempool;
  // PRE-PREPAREs travel by reference: the envelopes a replica lacks are asked of the primary on
  // the request/response protocol, whose only requests these are.
  const bodies = new ProposalBodies({
    lookup: (code) => mempool.get(toHex(code))?.bytes,
    request: (index, bytes, timeoutMs) => w.p2p.request(index, bytes, timeoutMs),
    txHash: envelopeTracingCode,
    pending: (code) => w.backlog.get(code),
    log,
  });
  // A BODIES-REQUEST starts with the wire version (snapshot requests with their kind, 0x51-0x56).
  w.p2p.onRequest([WIRE_VERSION], async (_from, request) => bodies.answer(request));
  return new ConsensusDriver(
    {
      replica: w.replica,
      ledger: w.ledger,
      mempool,
      transport: consensusTransport(w.p2p, 256, (f) => log.debug({ failure: f }, 'consensus send failed')),
      bodies,
      log,
      consensusLog: w.logs.consensus('consensus'),
      contractLog: w.logs.contract('ledger'),
      preverify: (envelopes) => w.chain.preverify(envelopes, w.pool),
      lookUpCommitted: (envelopes) =>
        lookUpCommitted(envelopes, {
          mempool: w.chain.mempool,
          seqCheck: seqCheckOf(w.ledger.contracts),
          recorded: (tcs, rejectedOnly) => w.ledger.store.recorded(tcs, rejectedOnly),
          found: w.chain.foundCommitted,
        }),
      onCommitted: (block, tip, ids, arrivals) => w.chain.committed({ block, tip, ids, arrivals }),
      onEvicted: (evictions) => {
        w.refusals.add(evictions);
        log.info(
          { envelopes: evictions.length, reason: evictions[0]!.message },
          'evicted pending envelopes that can no longer be applied',
        );
      },
      reauthorize: reauthorizer(w.ledger.contracts, () => w.chain.admissionTime()),
      onFatal: w.onFatal,
      ...(w.rewrite === undefined ? {} : { rewrite: w.rewrite }),
      ...(w.censor === undefined ? {} : { censor: w.censor }),
    },
    { tickMs: w.tickMs, maxQueued: 10_000 },
  );
}
