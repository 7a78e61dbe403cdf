// The platform's own replica of the on-chain facts it needs to judge packets without trusting a
// node: the validator set by height (genesis + setValidators), the SCP administrators, open
// governance proposals, and the site registry (keys, status, allowed routing). It is rebuilt from
// the genesis and the contract-call envelopes of certified blocks, applying the same governance
// rules as the chain (M-of-N approvals, expiry, rotations), and snapshotted as JSON with every
// processed height so the extractor resumes with exactly the state of its last block.
import { decodeEnvelope } from '../codec/envelope.js';
import {
  type CityCode,
  type ContractCallEnvelope,
  EnvelopeKind,
  type GovernanceAction,
  SiteStatus,
} from '../codec/types.js';
import { keyIdOf } from '../crypto/key-id.js';
import { hex, unhex } from './hex.js';

type RegisterSite = Extract<GovernanceAction, { type: 'registerSite' }>;

/** What the platform takes from the genesis file (node/genesis.ts `Genesis` fits this shape). */
export interface GenesisView {
  chainId: Uint8Array;
  validators: Uint8Array[];
  admins: Uint8Array[];
  threshold: number;
  sites: RegisterSite[];
  scpKeys: { publicKey: Uint8Array; notBefore: number; notAfter: number }[];
}

export interface SiteEntry {
  /** Current Ed25519 public key, hex. */
  publicKey: string;
  status: SiteStatus;
  country: number;
  city: CityCode;
  /** Site ID (IPv6 bytes), hex. */
  siteId: string;
  kpiCodes: number[];
}

export interface ScpKeyEntry {
  keyId: string;
  publicKey: string;
  notBefore: number;
  notAfter: number;
  retired: boolean;
}

export interface MirrorSnapshot {
  /** Validator sets by first height, ascending. */
  validators: { from: number; keys: string[] }[];
  /** Admin Ed25519 public keys, hex. */
  admins: string[];
  threshold: number;
  /** Open proposals by ID: the propose envelope (hex) and the key IDs that approved. */
  proposals: Record<string, { envelope: string; approvals: string[]; expiresAt: number }>;
  /** Sites by current key ID (hex). */
  sites: Record<string, SiteEntry>;
  /** Rotated-out key ID -> its successor. */
  rotated: Record<string, string>;
  scpKeys: ScpKeyEntry[];
}

function siteEntry(a: RegisterSite): SiteEntry {
  return {
    publicKey: hex(a.publicKey),
    status: SiteStatus.Active,
    country: a.country,
    city: { ...a.city },
    siteId: hex(a.siteId),
    kpiCodes: [...a.kpiCodes],
  };
}

export class ChainMirror {
  private constructor(private readonly s: MirrorSnapshot) {}

  static fromGenesis(g: GenesisView): ChainMirror {
    const m = new ChainMirror({
      validators: [{ from: 0, keys: g.validators.map(hex) }],
      admins: g.admins.map(hex),
      threshold: g.threshold,
      proposals: {},
      sites: {},
      rotated: {},
      scpKeys: [],
    });
    for (const s of g.sites) m.execute(s, 0);
    for (const k of g.scpKeys) m.execute({ type: 'addScpKey', ...k }, 0);
    return m;
  }

  static fromSnapshot(s: MirrorSnapshot): ChainMirror {
    return new ChainMirror(structuredClone(s));
  }

  snapshot(): MirrorSnapshot {
    return structuredClone(this.s);
  }

  /** Validator public keys certifying blocks at `height`. */
  validatorsAt(height: number): Uint8Array[] {
    let keys = this.s.validators[0]?.keys ?? [];
    for (const v of this.s.validators) if (v.from <= height) keys = v.keys;
    return keys.map((k) => unhex(k));
  }

  /** The site whose current key ID this is, if any. */
  site(keyIdHex: string): SiteEntry | undefined {
    return this.s.sites[keyIdHex];
  }

  /** Every site by current key ID (for reports). */
  sites(): Readonly<Record<string, SiteEntry>> {
    return this.s.sites;
  }

  scpKeys(): readonly ScpKeyEntry[] {
    return this.s.scpKeys;
  }

  /** Follows rotations, as the chain does, so an action may name a site by any key it had. */
  private currentKeyId(keyIdHex: string): string {
    let k = keyIdHex;
    for (let hops = 0; hops < 1024 && this.s.rotated[k] !== undefined; hops++) k = this.s.rotated[k]!;
    return k;
  }

  /**
   * Applies one committed contract call at (height, block time), with the chain's rules: only
   * current admins, proposal ID = tracing code of the propose envelope, execution once approvals
   * of current admins reach the threshold, no approval after expiry.
   */
  applyCall(envelope: Uint8Array, tracingCodeHex: string, height: number, time: number): void {
    let env: ReturnType<typeof decodeEnvelope>;
    try {
      env = decodeEnvelope(envelope);
    } catch {
      return; // the chain rejects an undecodable call on execution too
    }
    if (env.kind !== EnvelopeKind.ContractCall) return;
    const signer = hex(env.signerKeyId);
    if (!this.adminIds().has(signer)) return;
    const call = (env as ContractCallEnvelope).call;
    if (call.type === 'propose') {
      if (!(call.expiresAt > time)) return;
      const p = { envelope: hex(envelope), approvals: [signer], expiresAt: call.expiresAt };
      this.settle(tracingCodeHex, p, call.action, height);
      return;
    }
    const id = hex(call.proposalId);
    const p = this.s.proposals[id];
    if (p === undefined) return;
    if (time > p.expiresAt) {
      delete this.s.proposals[id];
      return;
    }
    if (p.approvals.includes(signer)) return;
    const action = (decodeEnvelope(unhex(p.envelope)) as ContractCallEnvelope).call;
    if (action.type !== 'propose') return;
    this.settle(id, { ...p, approvals: [...p.approvals, signer] }, action.action, height);
  }

  private adminIds(): Set<string> {
    return new Set(this.s.admins.map((a) => hex(keyIdOf(unhex(a)))));
  }

  private settle(
    id: string,
    p: MirrorSnapshot['proposals'][string],
    action: GovernanceAction,
    height: number,
  ): void {
    const ids = this.adminIds();
    if (p.approvals.filter((a) => ids.has(a)).length < this.s.threshold) {
      this.s.proposals[id] = p;
      return;
    }
    delete this.s.proposals[id];
    this.execute(action, height);
  }

  private execute(a: GovernanceAction, height: number): void {
    switch (a.type) {
      case 'registerSite': {
        const id = hex(keyIdOf(a.publicKey));
        const taken = Object.values(this.s.sites).some((s) => s.siteId === hex(a.siteId));
        if (this.s.sites[id] || this.s.rotated[id] || taken) return;
        this.s.sites[id] = siteEntry(a);
        return;
      }
      case 'addScpKey': {
        const keyId = hex(keyIdOf(a.publicKey));
        if (this.s.scpKeys.some((k) => k.keyId === keyId)) return;
        const { notBefore, notAfter } = a;
        this.s.scpKeys.push({ keyId, publicKey: hex(a.publicKey), notBefore, notAfter, retired: false });
        return;
      }
      case 'retireScpKey': {
        const k = this.s.scpKeys.find((e) => e.keyId === hex(a.scpKeyId));
        if (k) k.retired = true;
        return;
      }
      case 'setValidators': {
        if (a.activateAt <= height) return;
        const rest = this.s.validators.filter((v) => v.from !== a.activateAt);
        rest.push({ from: a.activateAt, keys: a.validators.map((v) => hex(v.publicKey)) });
        this.s.validators = rest.sort((x, y) => x.from - y.from);
        return;
      }
      case 'setAdmins':
        this.s.admins = a.admins.map(hex);
        this.s.threshold = a.threshold;
        return;
      case 'setParams':
        return;
      default:
        this.executeSiteChange(a);
    }
  }

  private executeSiteChange(
    a: Extract<GovernanceAction, { type: 'suspendSite' | 'resumeSite' | 'revokeSite' | 'rotateSiteKey' }>,
  ): void {
    const id = this.currentKeyId(hex(a.siteKeyId));
    const site = this.s.sites[id];
    if (site === undefined || site.status === SiteStatus.Revoked) return;
    if (a.type === 'suspendSite') site.status = SiteStatus.Suspended;
    else if (a.type === 'resumeSite') site.status = SiteStatus.Active;
    else if (a.type === 'revokeSite') site.status = SiteStatus.Revoked;
    else {
      const next = hex(keyIdOf(a.newPublicKey));
      if (this.s.sites[next] || this.s.rotated[next]) return;
      delete this.s.sites[id];
      this.s.sites[next] = { ...site, publicKey: hex(a.newPublicKey) };
      this.s.rotated[id] = next;
    }
  }
}
