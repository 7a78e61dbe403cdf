// Registering another bkdms chain's light client from the Governance page, built by the code
// `bkdms gov propose register-counterparty` uses (api/counterparty-action.ts), so the page and the
// CLI sign the same action for the same input. The page sends the other chain's genesis file (its
// JSON, pasted or read from a file in the browser) and the address of one of that chain's nodes;
// the console parses the genesis as a node does (node/genesis.ts: the chain ID is the hash of the
// file), fetches the trusted header from that node and accepts it only when the genesis validator
// set certifies it: that node is trusted for nothing, the administrator's genesis file for all.
// Every field is checked, and a bad one refused by name, before the other chain's node is asked.

import {
  COUNTERPARTY_DEFAULTS,
  type CounterpartyRemote,
  type CounterpartyResult,
  registerCounterpartyAction,
} from '../api/counterparty-action.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { BkdmsError } from '../codec/base-error.js';
import type { GovernanceAction } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { parseGenesis } from '../node/genesis.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import { COUNTERPARTY } from './proposable.js';
import { bad, fieldsOf, num, obj, proposalAction } from './propose.js';

/** A connection to a node of the other chain, closed once the header is read. */
export type ConnectRemote = (address: string) => CounterpartyRemote & { close(): void };

const FIELDS = [
  'clientId',
  'genesis',
  'remoteRpc',
  'relayers',
  'height?',
  'trustingPeriodHours?',
  'maxClockDriftMs?',
];

/** host:port, host a name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\]):(\d{1,5})$/;

function remoteAddress(v: unknown): string {
  const m = typeof v === 'string' ? HOST_PORT.exec(v) : null;
  const port = Number(m?.[1]);
  if (m === null || !(port >= 1 && port <= 65_535))
    throw bad('remoteRpc: host:port of a node of the other chain', 'remoteRpc');
  return v as string;
}

function genesisOf(v: unknown): ReturnType<typeof parseGenesis> {
  let raw: unknown = v;
  if (typeof v === 'string')
    try {
      raw = JSON.parse(v);
    } catch {
      throw bad('genesis: not JSON (the other chain’s genesis file)', 'genesis');
    }
  if (!obj(raw)) throw bad('genesis: the other chain’s genesis file, a JSON object', 'genesis');
  try {
    return parseGenesis(raw);
  } catch (err) {
    if (err instanceof BkdmsError) throw bad(`genesis: ${err.detail}`, 'genesis');
    throw err;
  }
}

/** What a failure past the checks of the input means to the page. */
function refusal(err: unknown, address: string): unknown {
  if (!(err instanceof ApiError)) return err;
  const field = err.meta.field;
  if (err.code === ApiErrorCode.InvalidArgument && typeof field === 'string') return bad(err.detail, field);
  if (err.code === ApiErrorCode.VerificationFailed)
    return new ConsoleError(
      ConsoleErrorCode.Unproven,
      `the header ${address} served is not certified by the genesis given (${err.detail}): a genesis of another chain, a validator set changed since (give an earlier height), or a lying node`,
      { field: 'genesis' },
    );
  return new ConsoleError(ConsoleErrorCode.Unavailable, `remoteRpc: ${address}: ${err.detail}`, {
    field: 'remoteRpc',
  });
}

/** The registration the page's JSON `j` asks for, its header fetched through `connect`. */
export async function counterpartyProposal(
  j: Record<string, unknown>,
  connect: ConnectRemote,
): Promise<CounterpartyResult & { chainId: Uint8Array }> {
  fieldsOf(j, FIELDS, 'action');
  const genesis = genesisOf(j.genesis);
  const address = remoteAddress(j.remoteRpc);
  if (!Array.isArray(j.relayers)) throw bad('relayers: a list of hex public keys', 'relayers');
  const input = {
    clientId: num(j.clientId),
    ...(j.height === undefined ? {} : { height: num(j.height) }),
    trustingPeriodHours:
      j.trustingPeriodHours === undefined
        ? COUNTERPARTY_DEFAULTS.trustingPeriodHours
        : num(j.trustingPeriodHours),
    maxClockDriftMs:
      j.maxClockDriftMs === undefined ? COUNTERPARTY_DEFAULTS.maxClockDriftMs : num(j.maxClockDriftMs),
    relayers: j.relayers as string[],
  };
  // The builder checks the remaining fields before it asks the other chain's node anything.
  let remote: ReturnType<ConnectRemote> | undefined;
  try {
    remote = connect(address);
    return { ...(await registerCounterpartyAction(input, genesis, remote)), chainId: genesis.chainId };
  } catch (err) {
    throw refusal(err, address);
  } finally {
    remote?.close();
  }
}

/** The header a registration trusts, as the page shows it (hex). */
export interface TrustedHeader {
  chainId: string;
  height: number;
  blockHash: string;
}

/**
 * Any action the page may propose: the registration of a counterparty (with the header it trusts),
 * or one console/propose.ts builds.
 */
export async function formProposal(
  j: unknown,
  connect: ConnectRemote,
  now = Date.now(),
): Promise<{ action: GovernanceAction; trusted?: TrustedHeader }> {
  if (!obj(j) || j.type !== COUNTERPARTY) return { action: proposalAction(j, now) };
  const r = await counterpartyProposal(j, connect);
  return {
    action: r.action,
    trusted: { chainId: toHex(r.chainId), height: r.height, blockHash: toHex(r.blockHash) },
  };
}
