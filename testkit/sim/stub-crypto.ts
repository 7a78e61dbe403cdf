// Cheap, deterministic stand-ins for SHA-256 and Ed25519, so the simulator and the consensus
// benchmark measure the core and not the crypto. Not secure (anyone can compute a "signature");
// the simulated Byzantine replicas only ever sign with their own key, and forge by writing
// bytes, which verification rejects. A 64-bit FNV-style hash, spread over 32 bytes.
import type { BlockHeader } from '../../codec/types.js';

function hash64(bytes: Uint8Array, seed: number): [number, number] {
  let a = 0x811c9dc5 ^ seed;
  let b = 0x01000193 ^ Math.imul(seed, 0x9e3779b1);
  for (let i = 0; i < bytes.length; i++) {
    const x = bytes[i]!;
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 13);
  }
  return [a >>> 0, (b ^ (a >>> 7)) >>> 0];
}

/** 32-byte stub hash. */
export function stubHash(bytes: Uint8Array, seed = 0): Uint8Array {
  const [a, b] = hash64(bytes, seed);
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  let x = a;
  let y = b;
  for (let i = 0; i < 8; i++) {
    dv.setUint32(i * 4, (i & 1 ? y : x) >>> 0);
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) ^ y;
    y = Math.imul(y ^ (y >>> 13), 0xc2b2ae35) ^ x;
  }
  return out;
}

/** The public key of simulated validator `id` (twins share one). */
export function stubPublicKey(id: number): Uint8Array {
  const k = new Uint8Array(32).fill(0xab);
  new DataView(k.buffer).setUint32(0, id + 1);
  return k;
}

export function stubSign(publicKey: Uint8Array, bytes: Uint8Array): Uint8Array {
  const seed = new DataView(publicKey.buffer, publicKey.byteOffset).getUint32(0);
  const sig = new Uint8Array(64);
  sig.set(stubHash(bytes, seed));
  return sig;
}

export function stubVerify(publicKey: Uint8Array, bytes: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  const want = stubSign(publicKey, bytes);
  for (let i = 0; i < 64; i++) if (want[i] !== sig[i]) return false;
  return true;
}

/** Header hash over every field (a stand-in for SHA-256 of the encoded header). */
export function stubHashHeader(h: BlockHeader): Uint8Array {
  const buf = new Uint8Array(6 * 32 + 5 * 8);
  const dv = new DataView(buf.buffer);
  let at = 0;
  for (const b of [h.chainId, h.parentHash, h.txRoot, h.stateRoot, h.validatorSetHash]) {
    buf.set(b.subarray(0, 32), at);
    at += 32;
  }
  for (const v of [h.height, h.view, h.time, h.txCount, h.proposer]) {
    dv.setFloat64(at, v);
    at += 8;
  }
  return stubHash(buf.subarray(0, at), 7);
}

/** Root over the envelopes (a stand-in for the Merkle root). */
export function stubTxRoot(envelopes: readonly Uint8Array[]): Uint8Array {
  const parts = new Uint8Array(envelopes.length * 32);
  envelopes.forEach((e, i) => {
    parts.set(stubHash(e, 3), i * 32);
  });
  return stubHash(parts, 5);
}
