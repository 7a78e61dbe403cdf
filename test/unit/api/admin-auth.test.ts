// Admin authentication without a server: each refusal reason, the accepted cases, the replay cache
// and its bound, and the byte layout of the signed request (the vector of docs/rpc.md).
import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AdminAuth, type AdminCall } from '../../../api/admin-auth.js';
import { adminSigningBytes, signAdminRequest } from '../../../api/admin-request.js';
import { ApiErrorCode } from '../../../api/errors.js';
import { toHex } from '../../../crypto/bytes.js';
import { ed25519FromSeed, sign } from '../../../crypto/ed25519.js';
import { sha256 } from '../../../crypto/hash.js';

const chainId = new Uint8Array(32).fill(7);
const audience = '12D3KooWTestNode';
const method = '/bkdms.v1.Management/SetLogLevel';
const request = new TextEncoder().encode('\n\x04info');
const admin = ed25519FromSeed(new Uint8Array(32).fill(1));
const stranger = ed25519FromSeed(new Uint8Array(32).fill(2));
const NOW = 1_800_000_000_000;

function auth(opts: { maxNonces?: number; certs?: string[] } = {}): AdminAuth {
  return new AdminAuth({
    chainId,
    audience,
    isAdmin: (k) => toHex(k) === toHex(admin.publicKey),
    certSha256: opts.certs,
    maxNonces: opts.maxNonces,
    now: () => NOW,
  });
}

const call = (metadata: Metadata, fingerprint256?: string): AdminCall => ({
  metadata,
  getAuthContext: () => (fingerprint256 === undefined ? {} : { sslPeerCertificate: { fingerprint256 } }),
});

const signed = (over: { key?: typeof admin; time?: number; nonce?: number; audience?: string } = {}) =>
  signAdminRequest(over.key ?? admin, {
    chainId,
    audience: over.audience ?? audience,
    method,
    request,
    time: over.time ?? NOW,
    nonce: new Uint8Array(16).fill(over.nonce ?? 9),
  });

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'accepted';
}

describe('requireAdmin', () => {
  it('accepts a fresh request signed by a chain admin, once', () => {
    const a = auth();
    const md = signed();
    expect(a.requireAdmin(call(md), method, request).id).toMatch(/^key:[0-9a-f]{32}$/);
    expect(reason(() => a.requireAdmin(call(md), method, request))).toBe(ApiErrorCode.Unauthenticated);
  });

  it('refuses a call without a credential', () => {
    expect(reason(() => auth().requireAdmin(call(new Metadata()), method, request))).toBe(
      ApiErrorCode.Unauthenticated,
    );
  });

  it('refuses a signature over other bytes, for another method or for another node', () => {
    expect(reason(() => auth().requireAdmin(call(signed()), method, new Uint8Array(3)))).toBe(
      ApiErrorCode.Unauthenticated,
    );
    expect(reason(() => auth().requireAdmin(call(signed()), '/bkdms.v1.Management/Other', request))).toBe(
      ApiErrorCode.Unauthenticated,
    );
    expect(reason(() => auth().requireAdmin(call(signed({ audience: 'other' })), method, request))).toBe(
      ApiErrorCode.Unauthenticated,
    );
  });

  it('refuses a stale or future time, and malformed headers', () => {
    expect(reason(() => auth().requireAdmin(call(signed({ time: NOW - 61_000 })), method, request))).toBe(
      ApiErrorCode.Unauthenticated,
    );
    expect(reason(() => auth().requireAdmin(call(signed({ time: NOW + 61_000 })), method, request))).toBe(
      ApiErrorCode.Unauthenticated,
    );
    const md = signed();
    md.set('bkdms-admin-nonce', 'zz');
    expect(reason(() => auth().requireAdmin(call(md), method, request))).toBe(ApiErrorCode.Unauthenticated);
  });

  it('refuses a valid signature by a key that is not an admin', () => {
    expect(reason(() => auth().requireAdmin(call(signed({ key: stranger })), method, request))).toBe(
      ApiErrorCode.PermissionDenied,
    );
  });

  it('bounds the nonces it remembers: past the bound new signed calls wait', () => {
    const a = auth({ maxNonces: 2 });
    a.requireAdmin(call(signed({ nonce: 1 })), method, request);
    a.requireAdmin(call(signed({ nonce: 2 })), method, request);
    expect(reason(() => a.requireAdmin(call(signed({ nonce: 3 })), method, request))).toBe(
      ApiErrorCode.RateLimited,
    );
    expect(a.rememberedNonces).toBe(2);
  });

  it('accepts a listed client certificate and refuses an unlisted one', () => {
    const fp = `${'AB:'.repeat(31)}AB`;
    const a = auth({ certs: [fp.replaceAll(':', '')] });
    expect(a.requireAdmin(call(new Metadata(), fp), method, request).id).toBe(`cert:${'ab'.repeat(32)}`);
    expect(reason(() => a.requireAdmin(call(new Metadata(), `${'CD:'.repeat(31)}CD`), method, request))).toBe(
      ApiErrorCode.PermissionDenied,
    );
  });
});

describe('adminSigningBytes', () => {
  it('lays out domain, chain, audience, method, time, nonce and request hash', () => {
    const bytes = adminSigningBytes({
      chainId,
      audience,
      method,
      time: NOW,
      nonce: new Uint8Array(16).fill(9),
      request,
    });
    const domain = 'BKDMS/v1/admin-request\0';
    expect(bytes.length).toBe(domain.length + 32 + 1 + audience.length + 1 + method.length + 8 + 16 + 32);
    expect(Buffer.from(bytes.subarray(0, domain.length)).toString('latin1')).toBe(domain);
    expect(toHex(bytes.subarray(bytes.length - 32))).toBe(toHex(sha256(request)));
    // The vector in docs/rpc.md.
    expect(toHex(sha256(bytes))).toBe('bc10e4c53d219cbeb0b61a9fd57274e7b03676e744dedf638164b60bfddab17b');
    expect(toHex(sign(admin, bytes))).toBe(
      '280a1eb6b0ce25ffb58e13f366751212a3a05aa8f5aca70d6582084fd1de0c32866d51fbb1fd3e75b8d739fe5cdd1b9b1f4cf250d8bf9ae9bda2734bd72ac101',
    );
  });
});
