// The administrator as the CLI's admin commands use it: the admin keystore from the config, and
// the first configured node that answers, for submitting calls and reading their receipts. A
// "committed" receipt counts only with the call's verified trace (inclusion proof + the block's
// certificate by the validator set a light client follows from the genesis, its state kept in
// dataDir/admin-light-client.json); a node whose claim does not verify is skipped for the next.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BkdmsClient } from '../api/client.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { LightClient, LightClientCheck } from '../api/light-client.js';
import { LightClientFile } from '../api/light-client-file.js';
import { ReceiptState, type ReceiptView, type UploadResult } from '../api/types.js';
import { Admin, type AdminOptions, type GovernanceChain } from './admin.js';
import { nodeClients } from './chain-source.js';
import type { PlatformConfig } from './config.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { loadAdminKey } from './keys.js';

/** Failures that say nothing about the call, only that this node cannot take it now. */
const NODE_DOWN = new Set<string>([
  ApiErrorCode.Transport,
  ApiErrorCode.NotReady,
  ApiErrorCode.Stopped,
  ApiErrorCode.DeadlineExceeded,
]);

/** The receipt, when committed only if its trace verifies; VERIFICATION_FAILED otherwise. */
export async function provenReceipt(
  c: BkdmsClient,
  light: LightClient,
  tc: Uint8Array,
): Promise<ReceiptView> {
  const r = await c.getReceipt(tc);
  if (r.state !== ReceiptState.Committed) return r;
  try {
    await c.traceVerified(tc, light.trust());
  } catch (err) {
    if (!(err instanceof ApiError && err.meta.check === LightClientCheck.NotFollowed)) throw err;
    await light.sync(c);
    await c.traceVerified(tc, light.trust());
  }
  return r;
}

/**
 * Tries each node in order; the first that answers serves the call (a refusal is an answer). An
 * answer that does not verify is not one: the next node is asked.
 */
function failover(clients: BkdmsClient[], light: LightClient): GovernanceChain {
  const first = async <T>(call: (c: BkdmsClient) => Promise<T>): Promise<T> => {
    let error: unknown;
    for (const c of clients) {
      try {
        return await call(c);
      } catch (err) {
        error = err;
        if (
          !(
            err instanceof ApiError &&
            (NODE_DOWN.has(err.code) || err.code === ApiErrorCode.VerificationFailed)
          )
        )
          throw err;
      }
    }
    throw error;
  };
  return {
    submitGovernance: (env): Promise<UploadResult> => first((c) => c.submitGovernance(env)),
    getReceipt: (tc): Promise<ReceiptView> => first((c) => provenReceipt(c, light, tc)),
  };
}

/** `anchor`: the chain ID and genesis validator set, from the platform's genesis file. */
export async function openAdmin(
  config: PlatformConfig,
  anchor: { chainId: Uint8Array; validators: readonly Uint8Array[] },
  opts: { passphrase?: string } & Partial<AdminOptions> = {},
): Promise<{ admin: Admin; close(): void }> {
  if (config.admin === undefined)
    throw new PlatformError(
      PlatformErrorCode.BadConfig,
      'the config has no "admin" keystore for admin commands',
    );
  const key = await loadAdminKey(config.admin, opts.passphrase);
  const clients = nodeClients(config.chain);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const light = new LightClient(anchor, new LightClientFile(join(config.dataDir, 'admin-light-client.json')));
  return {
    admin: new Admin(failover(clients, light), { ...opts, chainId: anchor.chainId, key }),
    close: () => {
      for (const c of clients) c.close();
    },
  };
}
