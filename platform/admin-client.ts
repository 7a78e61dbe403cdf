// The administrator as the CLI's admin commands use it: the admin keystore from the config, and
// the first configured node that answers, for submitting calls and reading their receipts.
import type { BkdmsClient } from '../api/client.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { ReceiptView, UploadResult } from '../api/types.js';
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

/** Tries each node in order; the first that answers serves the call (a refusal is an answer). */
function failover(clients: BkdmsClient[]): GovernanceChain {
  const first = async <T>(call: (c: BkdmsClient) => Promise<T>): Promise<T> => {
    let error: unknown;
    for (const c of clients) {
      try {
        return await call(c);
      } catch (err) {
        error = err;
        if (!(err instanceof ApiError && NODE_DOWN.has(err.code))) throw err;
      }
    }
    throw error;
  };
  return {
    submitGovernance: (env): Promise<UploadResult> => first((c) => c.submitGovernance(env)),
    getReceipt: (tc): Promise<ReceiptView> => first((c) => c.getReceipt(tc)),
  };
}

export async function openAdmin(
  config: PlatformConfig,
  chainId: Uint8Array,
  opts: { passphrase?: string } & Partial<AdminOptions> = {},
): Promise<{ admin: Admin; close(): void }> {
  if (config.admin === undefined)
    throw new PlatformError(
      PlatformErrorCode.BadConfig,
      'the config has no "admin" keystore for admin commands',
    );
  const key = await loadAdminKey(config.admin, opts.passphrase);
  const clients = nodeClients(config.chain);
  return {
    admin: new Admin(failover(clients), { ...opts, chainId, key }),
    close: () => {
      for (const c of clients) c.close();
    },
  };
}
