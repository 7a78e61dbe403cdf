// Every domain-separation label crypto/ feeds into a hash or a KDF, in one place, so that
// docs/wire-format.md §11 and the code cannot drift apart. Same shape as codec/signing.ts tags:
// "BKDMS/v1/<name>\0" in ASCII. Changing one is a wire-format change.

/** Prefix of the key ID hash: keyId = SHA-256(KEY_ID || publicKey)[0..16). */
export const KEY_ID = 'BKDMS/v1/key-id\0';
/** HKDF info for the per-packet ephemeral sealing key. */
export const SEAL_EPHEMERAL_INFO = 'BKDMS/v1/seal-ephemeral\0';
/** HKDF info prefix for a negotiated session key (followed by the offer fields, see session-key.ts). */
export const SESSION_KEY_INFO = 'BKDMS/v1/seal-session\0';
/** Prefix of the associated data that binds the packet header to both ciphertexts. */
export const SEAL_AAD = 'BKDMS/v1/seal-aad\0';
