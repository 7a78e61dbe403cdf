// The platform's read view of the ledger it executes (ledger/, the same state machine the nodes
// run) as of its last extracted block: the validator set by height that certificates are checked
// against, the site registry the packet opener judges uploads by, and the SCP key directory. Byte
// fields are hex, as the platform stores and reports them. Reads only: the extractor applies blocks.
import type { CityCode, SiteStatus } from '../codec/types.js';
import type { Contracts, SiteInfo } from '../ledger/contracts.js';
import { hex } from './hex.js';

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

function siteEntry(s: SiteInfo): SiteEntry {
  return {
    publicKey: hex(s.publicKey),
    status: s.status,
    country: s.country,
    city: { scheme: s.city.scheme, code: s.city.code },
    siteId: hex(s.siteId),
    kpiCodes: s.kpiCodes,
  };
}

export class ChainState {
  constructor(private readonly ledger: Contracts) {}

  /** The chain ID of the genesis the platform was started from: what every answer must belong to. */
  get chainId(): Uint8Array {
    return this.ledger.chainId;
  }

  /** Validator public keys certifying blocks at `height`. */
  validatorsAt(height: number): Uint8Array[] {
    return this.ledger.validators(height);
  }

  /** The site whose current key ID this is (hex), if any. */
  site(keyIdHex: string): SiteEntry | undefined {
    if (!/^[0-9a-f]{32}$/.test(keyIdHex)) return undefined;
    const s = this.ledger.site(Uint8Array.from(Buffer.from(keyIdHex, 'hex')));
    return s === undefined ? undefined : siteEntry(s);
  }

  /** Every site by current key ID (for reports). */
  sites(): Record<string, SiteEntry> {
    return Object.fromEntries(this.ledger.sites().map((s) => [hex(s.keyId), siteEntry(s)]));
  }

  scpKeys(): ScpKeyEntry[] {
    return this.ledger.scpKeys().map((k) => ({
      keyId: hex(k.keyId),
      publicKey: hex(k.publicKey),
      notBefore: k.notBefore,
      notAfter: k.notAfter,
      retired: k.retired,
    }));
  }

  /** State root after the last extracted block: the next block's header must carry it. */
  stateRoot(): Uint8Array {
    return this.ledger.stateRoot();
  }
}
