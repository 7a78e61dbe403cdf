// The driver's pre-generated load: every site's envelopes (testkit/envelopes.ts siteLoad),
// dealt into lanes. A lane belongs to one node and owns whole sites, so each site's sequence
// numbers reach one node in order (the chain's replay window per site is bounded). Within a lane
// the envelopes are interleaved site by site: seq k of every site, then seq k+1, ...

import { ed25519FromSeed } from '../../crypto/ed25519.js';
import { tracingCode } from '../../crypto/hash.js';
import { siteLoad, syntheticSite } from '../../testkit/envelopes.js';
import type { DriverPlan } from './plan.js';

export interface Lane {
  /** Index into plan.rpc. */
  node: number;
  /** Indices into GeneratedLoad.envelopes, in sending order. */
  order: number[];
}

export interface GeneratedLoad {
  envelopes: Uint8Array[];
  /** Tracing code (binary string) -> index into envelopes. */
  byTracingCode: Map<string, number>;
  lanes: Lane[];
}

/** Tracing codes as binary strings: cheap Map keys (hex strings cost more to build). */
export const tcKey = (tc: Uint8Array): string => Buffer.from(tc.buffer, tc.byteOffset, 32).toString('latin1');

export function generateLoad(plan: DriverPlan, now: number): GeneratedLoad {
  const unhex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
  const chainId = unhex(plan.chainIdHex);
  const scp = unhex(plan.scpPublicKeyHex);
  const laneCount = Math.max(1, Math.min(plan.siteSeedsHex.length, plan.rpc.length * plan.lanesPerNode));
  const perLane: number[][][] = Array.from({ length: laneCount }, () => []);
  const envelopes: Uint8Array[] = [];
  plan.siteSeedsHex.forEach((seed, i) => {
    const site = syntheticSite(i, ed25519FromSeed(unhex(seed)));
    const list = siteLoad(site, chainId, scp, plan.firstSeq, plan.perSite, now);
    const ids = list.map((env) => envelopes.push(env) - 1);
    perLane[i % laneCount]!.push(ids);
  });
  const lanes = perLane.map((sites, l) => {
    const order: number[] = [];
    for (let k = 0; k < plan.perSite; k++) for (const ids of sites) order.push(ids[k]!);
    return { node: l % plan.rpc.length, order };
  });
  const byTracingCode = new Map<string, number>();
  for (const [i, env] of envelopes.entries()) byTracingCode.set(tcKey(tracingCode(env)), i);
  return { envelopes, byTracingCode, lanes };
}
