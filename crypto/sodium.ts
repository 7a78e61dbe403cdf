// Typed access to the libsodium binding (sodium-native ships no TypeScript types). Only the calls
// crypto/ uses are declared. sodium-native writes into caller-provided output buffers and throws
// on failure (e.g. crypto_scalarmult on an all-zero result).
import { createRequire } from 'node:module';

export interface SodiumApi {
  crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  crypto_sign_ed25519_pk_to_curve25519(x25519Public: Uint8Array, ed25519Public: Uint8Array): void;
  crypto_sign_ed25519_sk_to_curve25519(x25519Secret: Uint8Array, ed25519Secret: Uint8Array): void;
  crypto_scalarmult_base(publicKey: Uint8Array, secretKey: Uint8Array): void;
  crypto_scalarmult(shared: Uint8Array, secretKey: Uint8Array, publicKey: Uint8Array): void;
  crypto_hash_sha256(out: Uint8Array, input: Uint8Array): void;
  sodium_memzero(buffer: Uint8Array): void;
}

const require = createRequire(import.meta.url);

export const sodium = require('sodium-native') as SodiumApi;

/** Absolute path of the sodium-native entry, for worker threads that load it themselves. */
export const sodiumModulePath: string = require.resolve('sodium-native');
