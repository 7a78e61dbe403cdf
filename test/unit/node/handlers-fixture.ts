// The node's RPC handlers over a real PersistedLedger, as unit tests of reads need them: every
// envelope's signature taken as valid, admission authorized by the ledger's own contracts.
import { Admission, hex } from '../../../node/admission/admission.js';
import { authorize } from '../../../node/admission/authorize.js';
import { executionResult } from '../../../node/admission/execution-result.js';
import { BlockNotifier } from '../../../node/chain/block-notifier.js';
import type { Mempool } from '../../../node/chain/mempool.js';
import type { PersistedLedger } from '../../../node/persisted-ledger.js';
import { QueryCursors } from '../../../node/query-cursors.js';
import { type RpcDeps, RpcHandlers } from '../../../node/rpc-handlers.js';
import type { TestChain } from '../store/fixtures.js';

/** `status` defaults to validator 0 as primary of view 0, in sync, with no peers. */
export function handlersOver(
  chain: TestChain,
  ledger: PersistedLedger,
  mempool: Mempool,
  status?: RpcDeps['status'],
): RpcHandlers {
  const { store, contracts } = ledger;
  return new RpcHandlers({
    admission: new Admission({
      chainIdHex: hex(chain.genesis.chainId),
      mempool,
      verifier: { verifyBatch: async (items) => items.map(() => true) },
      recorded: async (tcs, refusedOnly) =>
        (await store.recorded(tcs, refusedOnly)).map((r) => r && executionResult(r)),
      authorize: (env) =>
        authorize(contracts, env, { now: Date.now(), height: (store.tip()?.height ?? 0) + 1 }),
      onAdmitted: () => undefined,
      retryAfterMs: () => 0,
    }),
    store,
    contracts,
    proven: ledger.proven,
    mempool,
    notifier: new BlockNotifier(),
    cursors: new QueryCursors(new Uint8Array(32).fill(5)),
    status:
      status ??
      (() => ({
        chainId: chain.genesis.chainId,
        view: 0,
        primary: 0,
        validators: chain.validators.map((v) => v.publicKey),
        peers: [],
        selfIndex: 0,
        catchingUp: false,
      })),
    isReady: () => true,
  });
}
