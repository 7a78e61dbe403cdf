// The contract state's keys and the JSON shapes stored under them. Byte fields are lower-case hex.
// Keys are ASCII: "<area>/<id hex>".
import type { ChainParams, CityCode, SiteStatus } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import type { Json } from './state.js';

export const K = {
  admins: 'gov/admins',
  params: 'gov/params',
  validators: 'gov/validators',
  proposal: (idHex: string) => `gov/proposal/${idHex}`,
  /** Closed proposals (ledger/gov-history.ts): one list group, bounded. */
  historyPrefix: 'gov/history/',
  site: (keyIdHex: string) => `site/${keyIdHex}`,
  sitePrefix: 'site/',
  /** A site ID (IPv6 hex) -> the key ID currently registered for it: one site per address. */
  siteAddr: (siteIdHex: string) => `siteaddr/${siteIdHex}`,
  rotated: (keyIdHex: string) => `rotated/${keyIdHex}`,
  seq: (keyIdHex: string) => `seq/${keyIdHex}`,
  scpKey: (keyIdHex: string) => `scp/${keyIdHex}`,
  scpPrefix: 'scp/',
} as const;

export interface AdminsRecord {
  [k: string]: Json;
  /** Ed25519 public keys, hex, in the order given. */
  admins: string[];
  threshold: number;
}

/** A value that changes at a height: the list holds every activation, ascending by activateAt. */
export interface Scheduled<T extends Json> {
  [k: string]: Json;
  activateAt: number;
  value: T;
}

/** Chain parameters as stored: the bounds are absent on chains that never set them (defaults apply). */
export type ParamsJson = ChainParams & { [k: string]: Json };

export interface SiteRecord {
  [k: string]: Json;
  publicKey: string;
  country: number;
  city: { scheme: number; code: string };
  siteId: string;
  kpiCodes: number[];
  status: SiteStatus;
}

export interface RotatedRecord {
  [k: string]: Json;
  /** Key ID that replaced this one. */
  current: string;
}

export interface SeqRecord {
  [k: string]: Json;
  hwm: number;
  /** Replay bitmap as hex (bigint). */
  mask: string;
}

export interface ScpKeyRecord {
  [k: string]: Json;
  publicKey: string;
  notBefore: number;
  notAfter: number;
  retired: boolean;
}

export interface ProposalRecord {
  [k: string]: Json;
  /** The governance action, as actionToJson gives it. */
  action: Json;
  proposer: string;
  /** Key IDs (hex) of the admins who approved, proposer first. */
  approvals: string[];
  expiresAt: number;
  height: number;
}

export const hex = toHex;

export function unhex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function cityJson(c: CityCode): { scheme: number; code: string } {
  return { scheme: c.scheme, code: c.code };
}
