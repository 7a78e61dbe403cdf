// Contract-state values (canonical JSON, ledger/records.ts) in the shapes the RPC answers: used by
// the node to fill a proven answer and by the client to decode what it has verified, so both read
// the same bytes the same way.
import type { CityScheme, KeyId } from '../codec/types.js';
import { siteInfo } from '../ledger/contracts.js';
import {
  type AdminsRecord,
  K,
  type ProposalRecord,
  type Scheduled,
  type ScpKeyRecord,
  type SiteRecord,
  unhex,
} from '../ledger/records.js';
import type { Json } from '../ledger/state.js';
import type { ScpKeyInfo, SiteInfo, StateEntryView } from './types.js';

const dec = new TextDecoder();

export function parseJson<T>(bytes: Uint8Array): T {
  return JSON.parse(dec.decode(bytes)) as T;
}

/** The directory as GetScpKeys answers it: the non-retired keys of the "scp/" group, by key ID. */
export function scpKeysOf(entries: readonly StateEntryView[]): ScpKeyInfo[] {
  const out: ScpKeyInfo[] = [];
  for (const e of entries) {
    const r = parseJson<ScpKeyRecord>(e.value);
    if (r.retired) continue;
    out.push({
      keyId: unhex(e.key.slice(K.scpPrefix.length)),
      publicKey: unhex(r.publicKey),
      notBefore: r.notBefore,
      notAfter: r.notAfter,
    });
  }
  return out;
}

export type SiteRegistration = Omit<SiteInfo, 'lastCommittedSeq' | 'lastPendingSeq' | 'proof'>;

export function siteInfoOf(keyId: KeyId, r: SiteRecord): SiteRegistration {
  const s = siteInfo(keyId, r);
  return { ...s, city: { scheme: s.city.scheme, code: s.city.code } };
}

/** A proven GetSite answer for a key ID no site holds: empty fields, the proof shows the absence. */
export function absentSite(): SiteRegistration {
  const none = new Uint8Array(0);
  return {
    keyId: none,
    publicKey: none,
    country: 0,
    city: { scheme: 0 as CityScheme, code: '' },
    siteId: none,
    kpiCodes: [],
    status: 0,
  };
}

/** A proposal as stored under "gov/proposal/<id hex>". */
export interface ProposalEntry {
  /** Proposal ID: the tracing code of the envelope that opened it. */
  id: Uint8Array;
  record: ProposalRecord;
}

export function proposalsOf(entries: readonly StateEntryView[]): ProposalEntry[] {
  return entries.map((e) => ({
    id: unhex(e.key.slice(K.proposal('').length)),
    record: parseJson<ProposalRecord>(e.value),
  }));
}

/** A scheduled value (chain parameters, validator set): every activation, ascending. */
export function scheduleOf<T extends Json>(entries: readonly StateEntryView[]): Scheduled<T>[] {
  const [e] = entries;
  return e === undefined ? [] : parseJson<Scheduled<T>[]>(e.value);
}

/** The value of a schedule in force at `height`. */
export function scheduledAt<T extends Json>(
  schedule: readonly Scheduled<T>[],
  height: number,
): T | undefined {
  let found: T | undefined;
  for (const s of schedule) if (s.activateAt <= height) found = s.value;
  return found;
}

export function adminsOf(entries: readonly StateEntryView[]): AdminsRecord | undefined {
  const [e] = entries;
  return e === undefined ? undefined : parseJson<AdminsRecord>(e.value);
}
