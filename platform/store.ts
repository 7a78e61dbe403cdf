// The platform database (Table 10-3 records and what the platform learnt from them), over a Kv.
// Layout, every key `key -> value`:
//   cp                              -> ExtractorCheckpoint (JSON): last processed height, its block hash,
//                                      chain offset, and the state root after it
//   s/<contract state key>          -> the ledger's contract state entry after that height: its
//                                      canonical JSON value, the same bytes a node keeps in its
//                                      ContractState bucket (ledger/state.ts)
//   p/<height 13 hex><index 8 hex>  -> StoredPacket (JSON: storage record hex, meta, outcome)
//   t/<tracing code hex>            -> the p/ key of that packet
//   o/<offer hex>                   -> '' (an accepted session offer, re-derived on start)
// One block = one Kv batch holding its packets, offers, contract state changes and the new
// checkpoint, so a crash leaves either the whole block or none of it: the extractor resumes at
// checkpoint.height + 1 with exactly the contract state of checkpoint.height.
import type { StateChange } from '../ledger/execution.js';
import { PlatformError, PlatformErrorCode } from './errors.js';
import { hex, unhex } from './hex.js';
import { type Kv, type KvOp, LevelKv, MemoryKv } from './kv.js';
import type { PacketMeta, PacketOutcome, StoredPacket } from './outcome.js';

/** Where the extractor resumes (not a PBFT checkpoint, codec's Checkpoint). */
export interface ExtractorCheckpoint {
  height: number;
  /** Hash of the block at `height` (hex): the next block's parent. */
  blockHash: string;
  /** Sum of the encoded certified blocks' lengths up to `height`: the next block's chain offset. */
  chainOffset: number;
  /** State root (hex) after executing the block at `height`: the s/ entries hash to it. */
  stateRoot: string;
  /**
   * Frontier (hex, largest subtree first) of the block-hash log over blocks 0..height
   * (crypto/hash-log.ts): the next header's hashLogRoot is its root. Absent in checkpoints of
   * versions without the log, whose blocks this version cannot read anyway.
   */
  hashLog?: string[];
}

export interface BlockBatch {
  checkpoint: ExtractorCheckpoint;
  packets: StoredPacket[];
  /** Session offers accepted in this block (96-byte values). */
  offers: Uint8Array[];
  /** Contract state writes of this block (of the genesis too, with the first block). */
  stateChanges: StateChange[];
}

export interface HeightRange {
  fromHeight?: number;
  toHeight?: number;
}

interface PacketJson {
  meta: PacketMeta;
  storage: string;
  outcome: PacketOutcome;
}

const CHECKPOINT = 'cp';
const STATE = 's/';
const enc = new TextEncoder();
const dec = new TextDecoder();

function packetKey(height: number, index: number): string {
  return `p/${height.toString(16).padStart(13, '0')}${index.toString(16).padStart(8, '0')}`;
}

function parse<T>(key: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new PlatformError(PlatformErrorCode.Store, `unreadable value at ${key}`, { key });
  }
}

function toPacket(key: string, text: string): StoredPacket {
  const j = parse<PacketJson>(key, text);
  return { meta: j.meta, storage: unhex(j.storage), outcome: j.outcome };
}

export class PlatformStore {
  constructor(readonly kv: Kv) {}

  static memory(): PlatformStore {
    return new PlatformStore(new MemoryKv());
  }

  static async open(dir: string): Promise<PlatformStore> {
    return new PlatformStore(await LevelKv.open(dir));
  }

  async checkpoint(): Promise<ExtractorCheckpoint | undefined> {
    const text = await this.kv.get(CHECKPOINT);
    if (text === undefined) return undefined;
    const cp = parse<ExtractorCheckpoint>(CHECKPOINT, text);
    // Written before the platform executed blocks with the ledger: it kept a JSON snapshot of its
    // own replica ("mirror") and no contract state, from which the ledger's state cannot be rebuilt.
    if (typeof cp.stateRoot !== 'string')
      throw new PlatformError(
        PlatformErrorCode.Store,
        'the platform database was written by an earlier version (chain mirror, no contract state): ' +
          'move the data folder aside and extract again into an empty one (docs/platform.md)',
        { height: cp.height },
      );
    return cp;
  }

  /** The contract state entries as of the checkpoint (key, canonical value bytes), by key. */
  async stateEntries(): Promise<[string, Uint8Array][]> {
    const out: [string, Uint8Array][] = [];
    for await (const [k, v] of this.kv.range(STATE, 's0')) out.push([k.slice(STATE.length), enc.encode(v)]);
    return out;
  }

  /** Writes one processed block atomically; refuses a height that does not follow the checkpoint. */
  async commit(batch: BlockBatch): Promise<void> {
    const prev = (await this.checkpoint())?.height ?? 0;
    if (batch.checkpoint.height !== prev + 1)
      throw new PlatformError(
        PlatformErrorCode.OutOfOrder,
        `block ${batch.checkpoint.height} after ${prev}`,
        {
          height: batch.checkpoint.height,
          expected: prev + 1,
        },
      );
    const ops: KvOp[] = [{ key: CHECKPOINT, value: JSON.stringify(batch.checkpoint) }];
    for (const p of batch.packets) {
      const key = packetKey(p.meta.height, p.meta.index);
      const value: PacketJson = { meta: p.meta, storage: hex(p.storage), outcome: p.outcome };
      ops.push({ key, value: JSON.stringify(value) }, { key: `t/${p.meta.tracingCode}`, value: key });
    }
    for (const o of batch.offers) ops.push({ key: `o/${hex(o)}`, value: '' });
    // Values are canonical JSON (valid UTF-8): stored as that text, read back as the same bytes.
    for (const c of batch.stateChanges)
      ops.push({
        key: STATE + dec.decode(c.key),
        value: c.value === undefined ? undefined : dec.decode(c.value),
      });
    await this.kv.batch(ops);
  }

  async packet(tracingCodeHex: string): Promise<StoredPacket | undefined> {
    const key = await this.kv.get(`t/${tracingCodeHex.toLowerCase()}`);
    if (key === undefined) return undefined;
    const text = await this.kv.get(key);
    return text === undefined ? undefined : toPacket(key, text);
  }

  /** Packets in chain order (height, then index) within the inclusive height range. */
  async *packets(range: HeightRange = {}): AsyncIterable<StoredPacket> {
    const from = packetKey(range.fromHeight ?? 0, 0);
    const to = range.toHeight === undefined ? 'p0' : packetKey(range.toHeight + 1, 0);
    for await (const [k, v] of this.kv.range(from, to)) yield toPacket(k, v);
  }

  async offers(): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for await (const [k] of this.kv.range('o/', 'o0')) out.push(unhex(k.slice(2)));
    return out;
  }

  close(): Promise<void> {
    return this.kv.close();
  }
}
