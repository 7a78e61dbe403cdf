// The KPI digest and the site's signature over it (Y.4907 Table 10-2). The hash input and the
// signing bytes are codec/'s (domain-tagged); the digest and signature only ever travel inside a
// sealed packet, because a clear hash of a low-entropy KPI value could be brute-forced.
import { kpiDigestSigningBytes, kpiRecordHashInput } from '../codec/signing.js';
import type { Hash32, Signature } from '../codec/types.js';
import { type Ed25519KeyPair, sign, verify } from './ed25519.js';
import { sha256 } from './hash.js';

export interface SignedDigest {
  digest: Hash32;
  signature: Signature;
}

/** digest = SHA-256(kpiRecordHashInput(recordBytes)) = SHA-256("BKDMS/v1/kpi-record\0" || record). */
export function kpiDigest(recordBytes: Uint8Array): Hash32 {
  return sha256(kpiRecordHashInput(recordBytes));
}

/** The site's signed digest of an encoded record: what sealing puts in encryptedDigest. */
export function signKpiDigest(site: Ed25519KeyPair, recordBytes: Uint8Array): SignedDigest {
  const digest = kpiDigest(recordBytes);
  return { digest, signature: sign(site, kpiDigestSigningBytes(digest)) };
}

export function verifyKpiDigest(sitePublicKey: Uint8Array, digest: Hash32, signature: Signature): boolean {
  return verify(sitePublicKey, kpiDigestSigningBytes(digest), signature);
}
