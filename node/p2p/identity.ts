// The validator's Ed25519 key IS its libp2p identity: the peer ID of every validator is derived
// from the public key in the validator set, so the connection gater needs no separate registry
// and a noise handshake proves the remote holds the validator's key.
import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface';
import { peerIdFromPublicKey } from '@libp2p/peer-id';
import { P2PError, P2PErrorCode } from './errors.js';

/** The node's signing key as the keystore hands it over. */
export interface NodeIdentity {
  /** 32-byte Ed25519 seed (private key). Never logged. */
  seed: Uint8Array;
  /** 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

function checkLength(name: string, bytes: Uint8Array): void {
  if (bytes.length !== 32)
    throw new P2PError(P2PErrorCode.BadOptions, `${name} must be 32 bytes`, { length: bytes.length });
}

/** The peer ID object of an Ed25519 public key (32 raw bytes). */
export function peerIdObjectOfPublicKey(publicKey: Uint8Array): PeerId {
  checkLength('public key', publicKey);
  return peerIdFromPublicKey(publicKeyFromRaw(publicKey));
}

/** The peer ID (base58 string, as libp2p prints it) of a validator's Ed25519 public key. */
export function peerIdOfPublicKey(publicKey: Uint8Array): string {
  return peerIdObjectOfPublicKey(publicKey).toString();
}

/** The libp2p private key of the node; refuses a seed that does not match the public key. */
export async function libp2pKeyOf(identity: NodeIdentity): Promise<Ed25519PrivateKey> {
  checkLength('seed', identity.seed);
  checkLength('public key', identity.publicKey);
  const key = await generateKeyPairFromSeed('Ed25519', identity.seed);
  const derived = key.publicKey.raw;
  const same = derived.length === 32 && derived.every((b, i) => b === identity.publicKey[i]);
  if (!same) throw new P2PError(P2PErrorCode.BadOptions, 'seed does not match the public key');
  return key;
}
