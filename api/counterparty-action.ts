// The `registerCounterparty` governance action, built once for every front end: `bkdms gov propose
// register-counterparty` (its flags, cli/xchain-actions.ts) and the web console's Propose form (its
// JSON fields, console/propose-counterparty.ts). The trusted header is fetched from a node of the
// other chain and accepted only when it is certified by the validator set of that chain's genesis,
// which the administrator supplies: the remote node is trusted for nothing. A chain whose set has
// changed since its genesis needs a header from before the change (--height). Each bad input is an
// INVALID_ARGUMENT ApiError naming its field (meta.field), checked before the remote is asked; a
// header that does not verify is the VERIFICATION_FAILED error of api/hash-log-verify.ts.
import type { GovernanceAction } from '../codec/types.js';
import type { RegisterCounterparty } from '../codec/xchain-types.js';
import { ApiError, ApiErrorCode } from './errors.js';
import { bad, hexField, intField, type Num } from './gov-action-builders.js';
import { verifyCertifiedHeader } from './hash-log-verify.js';
import type { HeadersPage, HeadersQuery } from './types.js';

/** What the other chain's node is asked: its tip, and one certified header. */
export interface CounterpartyRemote {
  getStatus(): Promise<{ height: number }>;
  getHeaders(q: Partial<HeadersQuery> & { fromHeight: number }): Promise<HeadersPage>;
}

/** The other chain's identity, from its genesis file (node/genesis.ts parses it). */
export interface CounterpartyGenesis {
  chainId: Uint8Array;
  validators: readonly Uint8Array[];
}

export interface CounterpartyInput {
  /** The new client ID, 0..65535. */
  clientId: Num;
  /** The trusted height; the remote tip when absent. */
  height?: Num;
  /** How long a consensus state is trusted without an update (fractions allowed). */
  trustingPeriodHours: Num;
  /** How far a remote header time may be ahead of the block time. */
  maxClockDriftMs: Num;
  /** Relayer Ed25519 public keys (hex), one or more. */
  relayers: readonly string[];
}

export { COUNTERPARTY_DEFAULTS } from './counterparty-defaults.js';

/** More relayers than a client is ever given; the chain bounds the real number. */
export const MAX_RELAYERS = 64;

export interface CounterpartyResult {
  action: GovernanceAction;
  /** The trusted header's height and block hash, for the proposer to see what is trusted. */
  height: number;
  blockHash: Uint8Array;
}

type Checked = Omit<RegisterCounterparty, 'trustedHeader' | 'validators'> & { height?: number };

function checked(o: CounterpartyInput): Checked {
  const clientId = intField(o.clientId, 'clientId');
  if (clientId > 0xffff) throw bad('clientId', `not 0..65535: ${String(o.clientId)}`);
  const hours =
    typeof o.trustingPeriodHours === 'number' ? o.trustingPeriodHours : Number(o.trustingPeriodHours);
  if (
    (typeof o.trustingPeriodHours === 'string' && !/^\d+(\.\d+)?$/.test(o.trustingPeriodHours)) ||
    !(hours > 0) ||
    !Number.isFinite(hours)
  )
    throw bad('trustingPeriodHours', `a positive number of hours: ${String(o.trustingPeriodHours)}`);
  if (!Array.isArray(o.relayers) || o.relayers.length === 0 || o.relayers.length > MAX_RELAYERS)
    throw bad('relayers', `a list of 1..${MAX_RELAYERS} public keys`);
  const height = o.height === undefined ? undefined : intField(o.height, 'height');
  if (height === 0) throw bad('height', 'heights start at 1');
  return {
    type: 'registerCounterparty',
    clientId,
    trustingPeriodMs: Math.round(hours * 3_600_000),
    maxClockDriftMs: intField(o.maxClockDriftMs, 'maxClockDriftMs'),
    relayers: o.relayers.map((k, i) => hexField(k, 32, `relayers[${i}]`)),
    ...(height === undefined ? {} : { height }),
  };
}

/**
 * The action, every field checked first, then the trusted header fetched from `remote` and
 * verified against `genesis` (its chain ID and validator set).
 */
export async function registerCounterpartyAction(
  o: CounterpartyInput,
  genesis: CounterpartyGenesis,
  remote: CounterpartyRemote,
): Promise<CounterpartyResult> {
  const { height: asked, ...fields } = checked(o);
  const tip = (await remote.getStatus()).height;
  const height = asked ?? tip;
  if (height < 1 || height > tip) throw bad('height', `must be 1..${tip} (the remote tip)`);
  const page = await remote.getHeaders({ fromHeight: height, toHeight: height, maxCount: 1 });
  const h = page.headers.find((x) => x.height === height);
  if (h === undefined)
    throw new ApiError(ApiErrorCode.NotFound, `the remote node served no header at ${height}`, { height });
  // Certified by the genesis set: a chain whose set changed since needs a header from before.
  const v = verifyCertifiedHeader({ ...h, height }, genesis.chainId, genesis.validators);
  return {
    action: { ...fields, trustedHeader: h.header, validators: [...genesis.validators] },
    height,
    blockHash: v.blockHash,
  };
}
