// A lying node for tests of clients that trust no single node (docs/operations.md "Test-kit
// modes"). It wraps a node's RPC handlers (api/handlers.ts NodeApi) and lies in the ways named:
//   scp-key          GetScpKeys and GetState "scp/…" name a forged X25519 key; with prove, a forged proof
//   scp-key-unproven GetScpKeys with prove: the forged key and no proof at all
//   receipt          GetReceipt says "committed" for envelopes pending or never seen
//   header-cert      GetHeaders, GetBlock, SubscribeBlocks (from LIE_FROM_HEIGHT on) and Trace: bad certificates
//   state-proof      every proven GetState (validator-change proofs too), GetSite, GetScpKeys: a bucket proof with a wrong sibling
//   hash-log         GetConsistencyProof and GetBlockHashProof: proofs of a forked block-hash log
// Everything not named is served honestly. Test-only: a node takes it only with the test-kit flag.
import { ApiErrorCode } from '../api/errors.js';
import type { NodeApi } from '../api/handlers.js';
import { type HeadersPage, ReceiptState, type ScpKeyDirectory, type StateAnswer } from '../api/types.js';
import { toHex } from '../crypto/bytes.js';
import { sha256 } from '../crypto/hash.js';
import {
  forgeCertificateBytes,
  forgeCertifiedBlockBytes,
  forgeScpProofBytes,
  forgeScpValue,
  forgeStateProofBytes,
  forkConsistencyProofBytes,
  forkInclusionProofBytes,
} from './forgeries.js';

export const LIES = [
  'scp-key',
  'scp-key-unproven',
  'receipt',
  'header-cert',
  'state-proof',
  'hash-log',
] as const;
export type Lie = (typeof LIES)[number];

/** Headers and blocks below this height stay honest, so a chain walker sees where the lies begin. */
export const LIE_FROM_HEIGHT = 2;

/** The environment variable naming the lies (comma-separated). */
export const LIE_ENV = 'BKDMS_TESTKIT_LIE';

/** Parses "scp-key,receipt"; throws on an unknown name, so a typo never runs an honest node silently. */
export function parseLies(spec: string): Set<Lie> {
  const out = new Set<Lie>();
  for (const raw of spec.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(LIES as readonly string[]).includes(name))
      throw new Error(`${LIE_ENV}: unknown lie "${name}" (known: ${LIES.join(', ')})`);
    out.add(name as Lie);
  }
  if (out.size === 0) throw new Error(`${LIE_ENV} names no lie (known: ${LIES.join(', ')})`);
  return out;
}

export interface LyingOptions {
  lies: ReadonlySet<Lie>;
  /** The liar's own X25519 public key, served as the SCP's. */
  forgedScpKey: Uint8Array;
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === ApiErrorCode.NotFound;
}

/** `inner` with the named lies in front of it; every method not lied about is inner's own. */
export function lyingNodeApi(inner: NodeApi, o: LyingOptions): NodeApi {
  const lie = (l: Lie): boolean => o.lies.has(l);
  const forgedHex = toHex(o.forgedScpKey);
  // The forged key's ID as the directory would derive one: the first 8 bytes of its hash.
  const forgedId = sha256(o.forgedScpKey).subarray(0, 8);
  const overrides: Partial<NodeApi> = {};

  if (lie('scp-key') || lie('scp-key-unproven') || lie('state-proof'))
    overrides.getScpKeys = async (prove) => {
      const honest = await inner.getScpKeys(prove);
      let out: ScpKeyDirectory = honest;
      if (lie('scp-key') || lie('scp-key-unproven'))
        out = {
          ...out,
          keys: [
            { keyId: forgedId, publicKey: o.forgedScpKey, notBefore: 0, notAfter: Number.MAX_SAFE_INTEGER },
          ],
        };
      if (prove && lie('scp-key-unproven')) return { ...out, proof: null };
      if (out.proof && lie('scp-key')) out = { ...out, proof: forgeScpProofBytes(out.proof, forgedHex) };
      if (out.proof && lie('state-proof')) out = { ...out, proof: forgeStateProofBytes(out.proof) };
      return out;
    };

  if (lie('scp-key') || lie('state-proof'))
    overrides.getState = async (key, prove, activation) => {
      let out: StateAnswer = await inner.getState(key, prove, activation);
      if (lie('scp-key') && key.startsWith('scp/')) {
        const entries = out.entries.map((e) => ({ key: e.key, value: forgeScpValue(e.value, forgedHex) }));
        out = { ...out, entries, ...(out.proof ? { proof: forgeScpProofBytes(out.proof, forgedHex) } : {}) };
      }
      if (out.proof && lie('state-proof')) out = { ...out, proof: forgeStateProofBytes(out.proof) };
      return out;
    };

  if (lie('state-proof'))
    overrides.getSite = async (id, prove) => {
      const out = await inner.getSite(id, prove);
      return out.proof ? { ...out, proof: forgeStateProofBytes(out.proof) } : out;
    };

  if (lie('receipt'))
    overrides.getReceipt = async (code) => {
      let real: Awaited<ReturnType<NodeApi['getReceipt']>> | undefined;
      try {
        real = await inner.getReceipt(code);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (real?.state === ReceiptState.Committed) return real;
      const { height } = await inner.getStatus();
      return { tracingCode: code, state: ReceiptState.Committed, height, index: 0, result: '', blockTime: 0 };
    };

  if (lie('header-cert')) {
    overrides.getHeaders = async (q) => {
      const page: HeadersPage = await inner.getHeaders(q);
      const headers = page.headers.map((h) =>
        h.height < LIE_FROM_HEIGHT ? h : { ...h, certificate: forgeCertificateBytes(h.certificate) },
      );
      return { ...page, headers };
    };
    overrides.getBlock = async (height) => {
      const b = await inner.getBlock(height);
      return height < LIE_FROM_HEIGHT ? b : forgeCertifiedBlockBytes(b);
    };
    overrides.subscribeBlocks = async function* (from, signal) {
      for await (const e of inner.subscribeBlocks(from, signal))
        yield e.height < LIE_FROM_HEIGHT
          ? e
          : { ...e, certifiedBlock: forgeCertifiedBlockBytes(e.certifiedBlock) };
    };
    overrides.trace = async (code) => {
      const t = await inner.trace(code);
      return { ...t, certificate: forgeCertificateBytes(t.certificate) };
    };
  }

  if (lie('hash-log')) {
    overrides.getConsistencyProof = async (a, b) =>
      forkConsistencyProofBytes(await inner.getConsistencyProof(a, b));
    overrides.getBlockHashProof = async (h, at) =>
      forkInclusionProofBytes(await inner.getBlockHashProof(h, at));
  }

  return new Proxy(inner, {
    get(target, prop, receiver) {
      const o = (overrides as Record<string | symbol, unknown>)[prop];
      if (o !== undefined) return o;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
