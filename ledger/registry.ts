// Site registry (the permission contract of Y.4907 Appendix I) and the admission rule for uploads.
// Sites are keyed by their current key ID; a rotated-out key ID points at its successor so that
// an old key is refused with KeyRotated rather than UnknownSigner.
import { type GovernanceAction, type Routing, SiteStatus } from '../codec/types.js';
import { keyIdOf } from '../crypto/key-id.js';
import { hexOfKeyId } from '../crypto/key-id-hex.js';
import { type BoundsAt, checkEnvelopeTime, checkSeqGap } from './envelope-bounds.js';
import { type Check, Reason, reject } from './reasons.js';
import { cityJson, hex, K, type RotatedRecord, type SeqRecord, type SiteRecord, unhex } from './records.js';
import { checkSeq, EMPTY_WINDOW, recordSeq, type SeqWindow } from './seq-window.js';
import type { ContractState, Json } from './state.js';

/** The fields of an upload envelope the admission rule reads (lazy reader fields). */
export interface UploadFields {
  chainId: Uint8Array;
  signerKeyId: Uint8Array;
  seq: number;
  time: number;
  routing: Routing;
}

type SiteAction = Extract<
  GovernanceAction,
  { type: 'registerSite' | 'suspendSite' | 'resumeSite' | 'revokeSite' | 'rotateSiteKey' }
>;

/**
 * The parsed window of each seq record read from committed bytes. State values are shared and never
 * mutated, so a record's window never changes: parsing the 1024-bit hex mask once per record instead
 * of on every check and every put (twice per executed upload) took a sixth of block execution.
 */
const windows = new WeakMap<SeqRecord, SeqWindow>();

/**
 * A seq record made by putSeq, carrying the window it was made from in a private field: not a JSON
 * field, so JSON, canonicalJson and a deep comparison see the plain {hwm, mask} record. Each put
 * once also set an entry in `windows`, one per upload: in a loop of puts alone, that WeakMap's
 * growth was three quarters of putSeq's time and its collection almost half of the collector's.
 */
export class WindowedSeqRecord implements SeqRecord {
  [k: string]: Json;
  readonly hwm: number;
  readonly mask: string;
  readonly #window: SeqWindow;

  constructor(w: SeqWindow) {
    this.hwm = w.hwm;
    this.mask = w.mask.toString(16);
    this.#window = w;
  }

  static windowOf(r: SeqRecord): SeqWindow | undefined {
    return r instanceof WindowedSeqRecord ? r.#window : undefined;
  }
}

export function seqWindow(state: ContractState, keyIdHex: string): SeqWindow {
  const r = state.get<SeqRecord>(K.seq(keyIdHex));
  if (r === undefined) return EMPTY_WINDOW;
  const made = WindowedSeqRecord.windowOf(r);
  if (made !== undefined) return made;
  let w = windows.get(r);
  if (w === undefined) {
    w = { hwm: r.hwm, mask: BigInt(`0x${r.mask}`) };
    windows.set(r, w);
  }
  return w;
}

export function putSeq(state: ContractState, keyIdHex: string, seq: number): void {
  state.put(K.seq(keyIdHex), new WindowedSeqRecord(recordSeq(seqWindow(state, keyIdHex), seq)));
}

/** The site an upload's signer is, if it may upload now (status and key currency only). */
export function activeSite(state: ContractState, keyIdHex: string): Check<SiteRecord> {
  const site = state.get<SiteRecord>(K.site(keyIdHex));
  if (site === undefined)
    return reject(state.get<RotatedRecord>(K.rotated(keyIdHex)) ? Reason.KeyRotated : Reason.UnknownSigner);
  if (site.status === SiteStatus.Suspended) return reject(Reason.SiteSuspended);
  if (site.status === SiteStatus.Revoked) return reject(Reason.SiteRevoked);
  return { ok: true, value: site };
}

/** Each site record's site ID as bytes, so routing checks compare bytes instead of hex-encoding every upload's. */
const siteIds = new WeakMap<SiteRecord, Uint8Array>();

/** Each site record's public key as bytes (shared: never mutate), so admission does not parse its hex per upload. */
const publicKeys = new WeakMap<SiteRecord, Uint8Array>();

export function sitePublicKey(site: SiteRecord): Uint8Array {
  let key = publicKeys.get(site);
  if (key === undefined) {
    key = unhex(site.publicKey);
    publicKeys.set(site, key);
  }
  return key;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function routingReason(site: SiteRecord, r: Routing): Reason {
  if (r.country !== site.country) return Reason.CountryMismatch;
  if (r.city.scheme !== site.city.scheme || r.city.code !== site.city.code) return Reason.CityMismatch;
  let siteId = siteIds.get(site);
  if (siteId === undefined) {
    siteId = unhex(site.siteId);
    siteIds.set(site, siteId);
  }
  if (!sameBytes(r.siteId, siteId)) return Reason.SiteIdMismatch;
  // Both lists are ascending (codec and validateAction enforce it): one merge pass.
  let j = 0;
  for (const c of r.kpiCodes) {
    while (j < site.kpiCodes.length && (site.kpiCodes[j] as number) < c) j++;
    if (site.kpiCodes[j] !== c) return Reason.KpiNotAllowed;
  }
  return Reason.None;
}

/**
 * The admission rule, used before the mempool and again when a block executes: right chain, site
 * active under its current key, sequence number fresh and not too far ahead, time not too far
 * ahead of `at.now`, routing metadata matching the registry. The seq is judged before the time:
 * an envelope refused as ahead of the clock is one the site keeps and sends again, and once later
 * numbers have pushed it out of the window it is refused as replayed, which the site re-makes.
 */
export function checkUploadRule(
  state: ContractState,
  chainId: Uint8Array,
  f: UploadFields,
  at: BoundsAt,
  keyIdHex: string = hexOfKeyId(f.signerKeyId),
): Check<SiteRecord> {
  if (!sameBytes(f.chainId, chainId)) return reject(Reason.WrongChain);
  const site = activeSite(state, keyIdHex);
  if (!site.ok) return site;
  const window = seqWindow(state, keyIdHex);
  const seq = checkSeq(window, f.seq);
  if (seq !== Reason.None) return reject(seq);
  const gap = checkSeqGap(window, f.seq, at.maxSeqGap);
  if (gap !== Reason.None) return reject(gap);
  const time = checkEnvelopeTime(f.time, at.now, at.maxEnvelopeFutureMs);
  if (time !== Reason.None) return reject(time);
  const routing = routingReason(site.value, f.routing);
  return routing === Reason.None ? site : reject(routing);
}

/** Follows rotations so an action may name a site by any key it ever had. */
export function currentKeyId(state: ContractState, keyIdHex: string): string {
  let k = keyIdHex;
  for (let hops = 0; hops < 1024; hops++) {
    const r = state.get<RotatedRecord>(K.rotated(k));
    if (r === undefined) return k;
    k = r.current;
  }
  return k;
}

/** Checks a site action against current state; on success applies it. Validate-then-write. */
export function applySiteAction(state: ContractState, a: SiteAction): Reason {
  if (a.type === 'registerSite') {
    const keyIdHex = hex(keyIdOf(a.publicKey));
    const addr = hex(a.siteId);
    if (state.get(K.site(keyIdHex)) || state.get(K.rotated(keyIdHex)) || state.get(K.siteAddr(addr)))
      return Reason.SiteExists;
    const record: SiteRecord = {
      publicKey: hex(a.publicKey),
      country: a.country,
      city: cityJson(a.city),
      siteId: addr,
      kpiCodes: [...a.kpiCodes],
      status: SiteStatus.Active,
    };
    state.put(K.site(keyIdHex), record);
    state.put(K.siteAddr(addr), keyIdHex);
    return Reason.None;
  }
  const keyIdHex = currentKeyId(state, hex(a.siteKeyId));
  const site = state.get<SiteRecord>(K.site(keyIdHex));
  if (site === undefined) return Reason.UnknownSite;
  if (site.status === SiteStatus.Revoked) return Reason.BadTransition;
  switch (a.type) {
    case 'suspendSite':
    case 'resumeSite': {
      const to = a.type === 'suspendSite' ? SiteStatus.Suspended : SiteStatus.Active;
      if (site.status === to) return Reason.BadTransition;
      state.put(K.site(keyIdHex), { ...site, status: to });
      return Reason.None;
    }
    case 'revokeSite':
      state.put(K.site(keyIdHex), { ...site, status: SiteStatus.Revoked });
      return Reason.None;
    case 'rotateSiteKey': {
      const nextHex = hex(keyIdOf(a.newPublicKey));
      if (state.get(K.site(nextHex)) || state.get(K.rotated(nextHex))) return Reason.SiteExists;
      state.del(K.site(keyIdHex));
      state.put(K.site(nextHex), { ...site, publicKey: hex(a.newPublicKey) });
      state.put(K.rotated(keyIdHex), { current: nextHex });
      state.put(K.siteAddr(site.siteId), nextHex);
      return Reason.None;
    }
  }
}
