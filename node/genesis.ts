// The genesis file: the chain's name and start time, its first validator set (public keys only:
// addresses live in each node's config), the SCP administrators and their threshold, the initial
// sites and SCP encryption keys, and the chain parameters. chainId = SHA-256 of the canonical JSON
// (sorted keys) of the validated file, so any edit makes another chain. The initial contract state
// is built from it by ledger/genesis.ts, with the same contract code that later executes
// governance actions.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { GovernanceAction } from '../codec/types.js';
import { sha256 } from '../crypto/hash.js';
import { findCountry, findKpi, parseCityCode, parseSiteId } from '../kpi/index.js';
import { MAX_BOUND, MIN_MAX_SEQ_GAP } from '../ledger/envelope-bounds.js';
import type { LedgerGenesis } from '../ledger/genesis.js';
import { Reason } from '../ledger/reasons.js';
import { unhex } from '../ledger/records.js';
import { MAX_SNAPSHOT_INTERVAL } from '../ledger/snapshot-interval.js';
import { canonicalJson, type Json } from '../ledger/state.js';
import { validateAction } from '../ledger/validate-action.js';
import { NodeError, NodeErrorCode } from './errors.js';

const key32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 32-byte key as 64 lower-case hex digits');
const isoTime = z.iso.datetime({
  offset: true,
  message: 'expected an ISO 8601 time, e.g. 2026-01-01T00:00:00Z',
});
const posInt = z.number().int().positive();

export const genesisSchema = z.strictObject({
  chainName: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, up to 63'),
  genesisTime: isoTime,
  validators: z.array(key32).min(1, 'at least one validator').max(256),
  admins: z.strictObject({
    publicKeys: z.array(key32).min(1, 'at least one admin').max(64),
    threshold: posInt,
  }),
  sites: z
    .array(
      z.strictObject({
        publicKey: key32,
        /** ISO 3166-1 numeric or alpha-2/alpha-3. */
        country: z.union([z.number().int(), z.string()]),
        /** "locode:CNSHA", "national:310000" or "geonames:1796236". */
        city: z.string(),
        /** IPv4 or IPv6 address of the sampling site. */
        siteId: z.string(),
        /** Catalogue codes ("EN: EN: AQ: 1C") or wire codes allowed for upload. */
        kpis: z.array(z.union([z.number().int(), z.string()])).min(1),
      }),
    )
    .default([]),
  scpKeys: z.array(z.strictObject({ publicKey: key32, notBefore: isoTime, notAfter: isoTime })).default([]),
  params: z.strictObject({
    periodMs: posInt,
    maxBlockEnvelopes: posInt,
    maxBlockBytes: posInt,
    viewTimeoutMs: posInt,
    // Optional, and left out of the file's JSON when absent (so older files keep their chain ID and
    // genesis state): the contracts then apply DEFAULT_MAX_SEQ_GAP / DEFAULT_MAX_ENVELOPE_FUTURE_MS.
    maxSeqGap: z.number().int().min(MIN_MAX_SEQ_GAP).max(MAX_BOUND).optional(),
    maxEnvelopeFutureMs: posInt.max(MAX_BOUND).optional(),
    // Optional for the same reason: blocks between two state snapshots (node/snapshot/).
    snapshotInterval: posInt.max(MAX_SNAPSHOT_INTERVAL).optional(),
  }),
});

export type GenesisFile = z.infer<typeof genesisSchema>;

/** The parsed genesis: what the ledger starts from (ledger/genesis.ts), plus name and start time. */
export interface Genesis extends LedgerGenesis {
  chainName: string;
  /** UTC ms. */
  genesisTime: number;
}

function bad(message: string): never {
  throw new NodeError(NodeErrorCode.BadConfig, `invalid genesis: ${message}`);
}

function resolveSite(
  s: GenesisFile['sites'][number],
  i: number,
): Extract<GovernanceAction, { type: 'registerSite' }> {
  const where = `sites.${i}`;
  const country = findCountry(s.country) ?? bad(`${where}.country: unknown country ${String(s.country)}`);
  const kpiCodes = s.kpis.map((k) => findKpi(k)?.wire ?? bad(`${where}.kpis: unknown KPI ${String(k)}`));
  let city: ReturnType<typeof parseCityCode>;
  let siteId: Uint8Array;
  try {
    city = parseCityCode(s.city);
    siteId = parseSiteId(s.siteId);
  } catch (err) {
    bad(`${where}: ${(err as Error).message}`);
  }
  const action = {
    type: 'registerSite' as const,
    publicKey: unhex(s.publicKey),
    country: country.numeric,
    city,
    siteId,
    kpiCodes: [...new Set(kpiCodes)].sort((a, b) => a - b),
  };
  if (validateAction(action) !== Reason.None) bad(`${where}: not a valid site registration`);
  return action;
}

/** Validates a parsed genesis JSON value; every problem is reported with its field path. */
export function parseGenesis(raw: unknown): Genesis {
  const r = genesisSchema.safeParse(raw);
  if (!r.success)
    bad(`\n${r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  const g = r.data;
  if ((g.params.maxSeqGap === undefined) !== (g.params.maxEnvelopeFutureMs === undefined))
    bad('params: maxSeqGap and maxEnvelopeFutureMs go together (both or neither)');
  if (g.admins.threshold > g.admins.publicKeys.length)
    bad('admins.threshold: larger than the number of admins');
  for (const [name, list] of [
    ['validators', g.validators],
    ['admins.publicKeys', g.admins.publicKeys],
  ] as const)
    if (new Set(list).size !== list.length) bad(`${name}: duplicate key`);
  const scpKeys = g.scpKeys.map((k, i) => {
    const notBefore = Date.parse(k.notBefore);
    const notAfter = Date.parse(k.notAfter);
    if (!(notBefore < notAfter)) bad(`scpKeys.${i}: notBefore must be before notAfter`);
    return { publicKey: unhex(k.publicKey), notBefore, notAfter };
  });
  return {
    chainId: sha256(new TextEncoder().encode(canonicalJson(g as unknown as Json))),
    chainName: g.chainName,
    genesisTime: Date.parse(g.genesisTime),
    validators: g.validators.map(unhex),
    admins: g.admins.publicKeys.map(unhex),
    threshold: g.admins.threshold,
    sites: g.sites.map(resolveSite),
    scpKeys,
    params: g.params,
  };
}

export function loadGenesis(path: string): Genesis {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    bad(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseGenesis(raw);
}
