// Every size cap and fixed size of the wire formats, in one place. Decoders check a length
// against its cap BEFORE taking a view or allocating, so hostile input cannot make a decoder
// buffer more than the structure's cap. docs/wire-format.md §Caps lists the same values.

/** Wire-format version of every top-level structure this build writes and reads. */
export const WIRE_VERSION = 1;

// Fixed sizes of primitive fields.
export const HASH_BYTES = 32;
export const KEY_ID_BYTES = 16;
export const SIGNATURE_BYTES = 64;
export const PUBLIC_KEY_BYTES = 32;
export const SITE_ID_BYTES = 16;
export const NONCE_BYTES = 12;
export const AEAD_TAG_BYTES = 16;
/** City code field: 5 ASCII letters + 3 zero bytes (UN/LOCODE) or a u64 (numeric schemes). */
export const CITY_CODE_BYTES = 8;

// KPI record (Table 10-1).
/** Most KPI entries in one record (count is a u8 on the wire). */
export const MAX_KPI_ENTRIES = 128;
/** Most bytes in a record's extending part. */
export const MAX_EXTENSION_BYTES = 1024;
/** Bytes before the first KPI entry. */
export const RECORD_FIXED_BYTES = 39;
export const KPI_ENTRY_BYTES = 12;
export const MAX_RECORD_BYTES = RECORD_FIXED_BYTES + MAX_KPI_ENTRIES * KPI_ENTRY_BYTES + MAX_EXTENSION_BYTES;

// Sealed packet (Table 10-2).
/** AES-GCM ciphertext of digest (32) || signature over the digest (64), plus the tag. */
export const ENCRYPTED_DIGEST_BYTES = HASH_BYTES + SIGNATURE_BYTES + AEAD_TAG_BYTES;
export const MIN_ENCRYPTED_RECORD_BYTES = RECORD_FIXED_BYTES + AEAD_TAG_BYTES;
export const MAX_ENCRYPTED_RECORD_BYTES = MAX_RECORD_BYTES + AEAD_TAG_BYTES;
/** Largest sealed packet: header with a 32-byte key reference, digest, length, record. */
export const MAX_PACKET_BYTES =
  2 + KEY_ID_BYTES + 32 + NONCE_BYTES + ENCRYPTED_DIGEST_BYTES + 2 + MAX_ENCRYPTED_RECORD_BYTES;

// Envelopes.
/** Most distinct KPI codes in an upload's routing metadata (= most entries in a record). */
export const MAX_ROUTING_KPI_CODES = MAX_KPI_ENTRIES;
/** Most KPI codes a site registration may allow. */
export const MAX_SITE_KPI_CODES = 1024;
/** Most validators in a validator set (indexes are u16 on the wire). */
export const MAX_VALIDATORS = 256;
/** Most administrators of the governance contract. */
export const MAX_ADMINS = 64;
/** Largest encoded envelope of any kind. */
export const MAX_ENVELOPE_BYTES = 16 * 1024;

// Blocks.
export const BLOCK_HEADER_BYTES = 191;
/** Most envelopes in one block. */
export const MAX_BLOCK_ENVELOPES = 10_000;
/** Largest encoded block (header + length-prefixed envelopes). */
export const MAX_BLOCK_BYTES = 8 * 1024 * 1024;
/** Largest commit certificate: fixed part + one (index, signature) per validator. */
export const MAX_CERTIFICATE_BYTES = 1 + 8 + 8 + HASH_BYTES + 2 + MAX_VALIDATORS * (2 + SIGNATURE_BYTES);
/** Largest encoded certified block: version, block length, block, certificate. */
export const MAX_CERTIFIED_BLOCK_BYTES = 1 + 4 + MAX_BLOCK_BYTES + MAX_CERTIFICATE_BYTES;

// Consensus messages (PBFT, codec/consensus-messages.ts).
/** Largest encoded consensus message (a NEW-VIEW re-proposing a few full blocks). */
export const MAX_CONSENSUS_MESSAGE_BYTES = 4 * MAX_BLOCK_BYTES;
/** Most prepared proofs in a VIEW-CHANGE and PRE-PREPAREs in a NEW-VIEW (the window L). */
export const MAX_WINDOW_ENTRIES = 1024;
/** Most certified blocks in one STATE-RESPONSE. */
export const MAX_STATE_BLOCKS = 256;

// Durable records (codec/durable-record.ts, consensus-state.ts): the consensus WAL and evidence.
/** Record header (magic 4, kind 1, version 1, length 4) and trailing CRC-32C (4). */
export const DURABLE_RECORD_OVERHEAD_BYTES = 14;
/**
 * Largest consensus-state payload: room for 128 full blocks prepared and not yet committed (the
 * state carries their bodies), far above what the default window of 64 can reach.
 */
export const MAX_CONSENSUS_STATE_BYTES = 128 * MAX_BLOCK_BYTES;
/** Most own votes in a consensus state: three per seq of the largest window, and NEW-VIEWs. */
export const MAX_STATE_VOTES = 4 * MAX_WINDOW_ENTRIES;
/** Largest evidence payload: kind, offender key, two framed consensus messages. */
export const MAX_EVIDENCE_BYTES = 1 + PUBLIC_KEY_BYTES + 2 * (4 + MAX_CONSENSUS_MESSAGE_BYTES);

// Storage record (Table 10-3).
/** Longest chain URL (printable ASCII). */
export const MAX_CHAIN_URL_BYTES = 512;
/** Largest storage record: fixed fields, URL, city data, check code. */
export const MAX_STORAGE_RECORD_BYTES = 69 + 2 + MAX_CHAIN_URL_BYTES + 2 + MAX_PACKET_BYTES + HASH_BYTES;

/** Largest integer a u64 field may carry: JS numbers are exact only up to here. */
export const MAX_SAFE_U64 = Number.MAX_SAFE_INTEGER;

// State proofs (codec/state-proof.ts): one bucket of the contract state with its Merkle path.
/** Levels of the state tree: 2^12 = 4096 buckets. */
export const STATE_TREE_LEVELS = 12;
/** Longest contract-state key (keys are ASCII "<area>/<id hex>", far shorter). */
export const MAX_STATE_KEY_BYTES = 256;
/** Largest contract-state value (canonical JSON; the validator schedule is the largest). */
export const MAX_STATE_VALUE_BYTES = 256 * 1024;
/** Most entries in one bucket proof. */
export const MAX_STATE_PROOF_ENTRIES = 16_384;
/** Largest encoded bucket proof. */
export const MAX_STATE_PROOF_BYTES = 4 * 1024 * 1024;
