// Envelopes made as they are needed, for runs too long to pre-generate (10^6 envelopes would hold
// hundreds of MB in the driver): each site seals one template envelope, then every further
// envelope is a copy with the next sequence number, signed again by the site (as siteLoad does).
// A lane owns whole sites and takes them in turn, so each site's numbers reach one node in order.
import { ed25519FromSeed } from '../../crypto/ed25519.js';
import {
  resignedCopy,
  type SyntheticSite,
  syntheticEnvelope,
  syntheticSite,
} from '../../testkit/envelopes.js';

interface SiteStream {
  site: SyntheticSite;
  template: Uint8Array;
  nextSeq: number;
}

export class LaneSource {
  private turn = 0;

  constructor(private readonly sites: SiteStream[]) {}

  /** The next `count` envelopes of this lane, sites in turn; `time` stamps them (ms). */
  take(count: number, time: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let k = 0; k < count && this.sites.length > 0; k++) {
      const s = this.sites[this.turn]!;
      this.turn = (this.turn + 1) % this.sites.length;
      out.push(resignedCopy(s.site, s.template, s.nextSeq++, time));
    }
    return out;
  }
}

export interface SourceSpec {
  chainIdHex: string;
  scpPublicKeyHex: string;
  siteSeedsHex: string[];
  firstSeq: number;
  laneCount: number;
}

const unhex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

/** One source per lane; site i goes to lane i mod laneCount (at least one site per lane). */
export function laneSources(spec: SourceSpec, now: number): LaneSource[] {
  const chainId = unhex(spec.chainIdHex);
  const scp = unhex(spec.scpPublicKeyHex);
  const laneCount = Math.max(1, Math.min(spec.siteSeedsHex.length, spec.laneCount));
  const perLane: SiteStream[][] = Array.from({ length: laneCount }, () => []);
  spec.siteSeedsHex.forEach((seed, i) => {
    const site = syntheticSite(i, ed25519FromSeed(unhex(seed)));
    // The template itself is never sent: every envelope sent is a fresh copy from firstSeq + 1.
    const template = syntheticEnvelope(site, chainId, scp, spec.firstSeq, now);
    perLane[i % laneCount]!.push({ site, template, nextSeq: spec.firstSeq + 1 });
  });
  return perLane.map((sites) => new LaneSource(sites));
}
