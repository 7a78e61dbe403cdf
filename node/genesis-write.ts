// Writing a genesis file from a spec (validators, admins, sites, parameters with defaults): built,
// validated exactly as a node will (genesis.ts) and written; `bkdms genesis init` and the local
// cluster (devnet/layout.ts) both use it.
import { writeFileSync } from 'node:fs';
import { DEFAULT_MAX_ENVELOPE_FUTURE_MS, DEFAULT_MAX_SEQ_GAP } from '../ledger/envelope-bounds.js';
import { type GenesisFile, parseGenesis } from './genesis.js';

// snapshotInterval is left out unless asked for: the nodes then apply DEFAULT_SNAPSHOT_INTERVAL.
export const defaultGenesisParams: Required<Omit<GenesisFile['params'], 'snapshotInterval'>> = {
  periodMs: 1000,
  maxBlockEnvelopes: 2000,
  maxBlockBytes: 4 * 1024 * 1024,
  viewTimeoutMs: 3000,
  // Written out so a new chain states its envelope bounds; a file without them gets the same values.
  maxSeqGap: DEFAULT_MAX_SEQ_GAP,
  maxEnvelopeFutureMs: DEFAULT_MAX_ENVELOPE_FUTURE_MS,
};

export interface GenesisSpec {
  chainName: string;
  genesisTime?: string;
  validators: string[];
  admins: string[];
  threshold: number;
  sites?: GenesisFile['sites'];
  scpKeys?: GenesisFile['scpKeys'];
  params?: Partial<GenesisFile['params']>;
}

/** Builds, validates and writes a genesis file; returns the chain ID (hex). */
export function writeGenesis(path: string, spec: GenesisSpec): string {
  const file: GenesisFile = {
    chainName: spec.chainName,
    genesisTime: spec.genesisTime ?? new Date().toISOString(),
    validators: spec.validators,
    admins: { publicKeys: spec.admins, threshold: spec.threshold },
    sites: spec.sites ?? [],
    scpKeys: spec.scpKeys ?? [],
    params: { ...defaultGenesisParams, ...spec.params },
  };
  const g = parseGenesis(file);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return Buffer.from(g.chainId).toString('hex');
}
