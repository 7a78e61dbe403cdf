// The node's answers to GetHeaders, GetConsistencyProof and GetBlockHashProof (docs/rpc.md):
// certified headers for light clients, and RFC 9162 proofs over the block-hash log the headers
// carry (crypto/hash-log.ts), read from the store's perfect subtrees. api/validate.ts checked the
// shapes of the ranges; what only the node knows (its tip) is checked here.
import { MAX_HEADERS_PAGE_BYTES } from '../api/limits.js';
import type { CertifiedHeaderBytes, HeadersPage, HeadersQuery } from '../api/types.js';
import { encodeConsistencyProof, encodeInclusionProof } from '../crypto/merkle-proof-codec.js';
import { NodeError, NodeErrorCode } from './errors.js';
import type { Store } from './store/index.js';

type HeaderStore = Pick<
  Store,
  'tip' | 'getHeader' | 'getCertificate' | 'hashLogConsistency' | 'hashLogInclusion'
>;

function tipOf(store: HeaderStore): number {
  return store.tip()?.height ?? 0;
}

function aboveTip(what: string, height: number, tip: number): NodeError {
  return new NodeError(NodeErrorCode.NotFound, `${what} ${height} is above the tip ${tip}`, { height, tip });
}

export async function headersPage(store: HeaderStore, q: HeadersQuery): Promise<HeadersPage> {
  const tip = tipOf(store);
  if (q.fromHeight > tip) throw aboveTip('fromHeight', q.fromHeight, tip);
  const last = Math.min(q.toHeight, tip, q.fromHeight + q.maxCount - 1);
  const headers: CertifiedHeaderBytes[] = [];
  let bytes = 0;
  let h = q.fromHeight;
  for (; h <= last; h++) {
    const [header, certificate] = await Promise.all([store.getHeader(h), store.getCertificate(h)]);
    bytes += header.length + certificate.length;
    // The first header always goes, so a page always moves the caller on.
    if (bytes > MAX_HEADERS_PAGE_BYTES && headers.length > 0) break;
    headers.push({ height: h, header, certificate });
  }
  const end = Math.min(q.toHeight, tip);
  return { headers, nextHeight: h <= end ? h : 0, tip };
}

export async function consistencyProof(
  store: HeaderStore,
  first: number,
  second: number,
): Promise<Uint8Array> {
  const tip = tipOf(store);
  if (second > tip) throw aboveTip('secondHeight', second, tip);
  // The header at height h carries the log of h leaves (blocks 0..h-1).
  return encodeConsistencyProof(await store.hashLogConsistency(first, second));
}

export async function blockHashProof(store: HeaderStore, height: number, at: number): Promise<Uint8Array> {
  const tip = tipOf(store);
  if (at > tip) throw aboveTip('atHeight', at, tip);
  return encodeInclusionProof(await store.hashLogInclusion(height, at));
}
