// Every key the store writes starts with one bucket byte. Each entry says `key -> value`.
// Integers in keys are big-endian so that byte order is numeric order (range scans rely on it).
// Values are encoded by node/store/values.ts unless said otherwise.

export enum Bucket {
  /** height(u64) -> block location: segment(u32) offset(u64) length(u32) of the CertifiedBlock payload in the log, blockStart(u32) of the block inside it. */
  BlockLocation = 0x01,
  /** height(u64) -> encoded BlockHeader (kept when bodies are pruned). */
  Header = 0x02,
  /** height(u64) -> encoded CommitCertificate (kept when bodies are pruned). */
  Certificate = 0x03,
  /** height(u64) -> the block's tracing codes concatenated (32 bytes each, block order): Merkle leaves. */
  Leaves = 0x04,
  /** height(u64) -> Merkle level log2(16) of the block: one 32-byte subtree hash per 16 leaves (proofs, see proof.ts). */
  ChunkLevel = 0x06,
  /** block hash(32) -> height(u64). */
  BlockHash = 0x05,
  /**
   * leaf index j (u64; leaf j is block j's hash, leaf 0 the genesis hash) -> the hashes (32 each) of
   * the block-hash log's perfect subtrees that leaf j completes, level 0 (the leaf hash) first:
   * one per trailing one bit of j, plus one (see hash-log.ts).
   */
  HashLog = 0x07,
  /** tracing code(32) -> data recorder: height(u64) index(u32) offset(u32) length(u32). First occurrence wins. */
  Trace = 0x10,
  /** siteId(16) time(u64) tracing code(32) -> empty. The site is the routing siteId (IPv6), stable across key rotation. */
  SiteTime = 0x11,
  /** country(u16) scheme(u8) codeLen(u8) code kpi(u16) time(u64) tracing code(32) -> empty. */
  CityKpiTime = 0x12,
  /**
   * tracing code(32) -> height(u64) index(u32) of the latest Rejected receipt for that code. Kept
   * apart from Trace so that Trace (proofs, findEnvelope, admission's "already committed") keeps
   * meaning applied only, while every executed envelope's receipt stays findable by code.
   */
  Rejected = 0x13,
  /** contract state key (ASCII, see ledger/records.ts) -> contract-defined value bytes. */
  ContractState = 0x20,
  /** height(u64) -> the block's receipts packed: status u8, reason u16 per envelope, block order (one value per block). */
  Receipt = 0x21,
  /** height(u64) -> state root(32) after executing the block at that height. */
  StateRoot = 0x22,
  /**
   * validator-set activation height H (u64) -> the encoded state proof (codec/state-proof.ts) of
   * "gov/validators" against header H - 1, the last header of the set before H: what proves the
   * change to a light client (node/validator-proofs.ts). Written in the index batch of block H - 1.
   */
  ValidatorProof = 0x23,
  /**
   * validator-set activation height H (u64) -> header H - 1 | its certificate | the bucket proof,
   * each u32-length prefixed: the change proofs a store installed from a snapshot fetched and
   * verified for every change up to its base, whose headers it does not hold (install.ts).
   */
  ValidatorChange = 0x24,
  /** tracing code of the first message -> evidence record (codec/consensus-state.ts): two conflicting signed messages. */
  Evidence = 0x30,
  /**
   * Earlier versions only: "consensus/state" -> the driver's state as msgpackr. Read once at open
   * into the consensus WAL file (consensus-wal.ts) and deleted (legacy-consensus.ts).
   */
  Wal = 0x31,
  /** metadata name (UTF-8) -> value; names in MetaKey. */
  Meta = 0x40,
}

export enum MetaKey {
  /** -> height(u64) of the highest indexed block. Absent in an empty store. */
  Tip = 'tip',
  /** -> chain ID (32) of the genesis the store was initialized with. */
  ChainId = 'chainId',
  /** -> height(u64): bodies below it have been pruned (absent: nothing pruned). */
  PrunedBelow = 'prunedBelow',
  /**
   * -> height(u64) B: the store was installed from a snapshot at B (install.ts); it holds no block,
   * header or envelope index below B, and the block-hash log only as its frontier over 0..B.
   * Absent: the store started at genesis.
   */
  Base = 'base',
}

/** A key: the bucket byte followed by the parts, concatenated. */
export function key(bucket: Bucket, ...parts: Uint8Array[]): Uint8Array {
  let n = 1;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  out[0] = bucket;
  let o = 1;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The first key after every key starting with `prefix` (exclusive upper bound of a prefix scan). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = prefix.slice();
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 0xff) {
      out[i] = (out[i] as number) + 1;
      return out.subarray(0, i + 1);
    }
  }
  // Unreachable for store keys: a bucket byte is never 0xff, so some byte can always be bumped.
  throw new RangeError('prefixEnd of an all-0xff prefix');
}

/** Big-endian u64 of a safe integer, without a BigInt (this runs several times per envelope). */
export function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  writeU64(b, 0, n);
  return b;
}

/** Writes a safe integer as a big-endian u64 at `at`, in place (no DataView, no BigInt). */
export function writeU64(b: Uint8Array, at: number, n: number): void {
  writeU32(b, at, Math.floor(n / 0x1_0000_0000));
  writeU32(b, at + 4, n >>> 0);
}

export function writeU32(b: Uint8Array, at: number, n: number): void {
  b[at] = n >>> 24;
  b[at + 1] = (n >>> 16) & 0xff;
  b[at + 2] = (n >>> 8) & 0xff;
  b[at + 3] = n & 0xff;
}

export function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export function u16(n: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n);
  return b;
}

export function readU64(b: Uint8Array, at = 0): number {
  return Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(at));
}

export function readU32(b: Uint8Array, at = 0): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);
}

export function metaKey(name: MetaKey): Uint8Array {
  return key(Bucket.Meta, new TextEncoder().encode(name));
}
