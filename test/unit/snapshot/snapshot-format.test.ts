import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../codec/errors.js';
import {
  decodeSnapshotChunk,
  decodeSnapshotManifest,
  encodeSnapshotChunk,
  encodeSnapshotManifest,
  SNAPSHOT_BUCKETS_PER_CHUNK,
  SNAPSHOT_CHUNKS,
  SNAPSHOT_MANIFEST_BYTES,
} from '../../../codec/snapshot.js';
import { LedgerError } from '../../../ledger/errors.js';
import {
  buildSnapshot,
  chunkHashOf,
  rebuildState,
  snapshotHash,
  verifyChunk,
  verifyManifest,
} from '../../../ledger/snapshot.js';
import { ContractState } from '../../../ledger/state.js';
import { bucketOf } from '../../../ledger/state-root.js';

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const chainId = new Uint8Array(32).fill(7);
const blockHash = new Uint8Array(32).fill(9);

function stateOf(n: number): ContractState {
  const s = new ContractState();
  for (let i = 0; i < n; i++) s.put(`site/${i.toString(16).padStart(8, '0')}`, { i, name: `s${i}` });
  s.put('scp/aa', { k: 1 });
  s.put('scp/bb', { k: 2 });
  s.flush();
  return s;
}

function checkedCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof LedgerError) return String(err.meta.check);
    throw err;
  }
  return undefined;
}

describe('snapshot chunks and manifest', () => {
  const state = stateOf(300);
  const snap = buildSnapshot(state.entries(), { chainId, height: 100, blockHash });

  it('the manifest commits to the state root of the state it was built from', () => {
    expect(hex(snap.manifest.stateRoot)).toBe(hex(state.root()));
    expect(snap.manifestBytes.length).toBe(SNAPSHOT_MANIFEST_BYTES);
    expect(snap.chunks.length).toBe(SNAPSHOT_CHUNKS);
    verifyManifest(decodeSnapshotManifest(snap.manifestBytes), { chainId, stateRoot: state.root() });
  });

  it('manifests round-trip byte for byte and the snapshot hash is deterministic', () => {
    const again = buildSnapshot(stateOf(300).entries(), { chainId, height: 100, blockHash });
    expect(hex(encodeSnapshotManifest(decodeSnapshotManifest(snap.manifestBytes)))).toBe(
      hex(snap.manifestBytes),
    );
    expect(hex(again.hash)).toBe(hex(snap.hash));
    expect(hex(snapshotHash(snap.manifestBytes))).toBe(hex(snap.hash));
  });

  it('every chunk verifies and the chunks rebuild the same state', () => {
    const m = decodeSnapshotManifest(snap.manifestBytes);
    const parts = snap.chunks.map((c, i) => verifyChunk(m, i, c));
    const rebuilt = rebuildState(m, parts);
    expect(rebuilt.size).toBe(state.size);
    expect(hex(rebuilt.root())).toBe(hex(state.root()));
  });

  it('refuses a manifest whose chunk hashes do not lead to the certified root', () => {
    const m = decodeSnapshotManifest(snap.manifestBytes);
    expect(checkedCode(() => verifyManifest(m, { chainId, stateRoot: new Uint8Array(32) }))).toBe(
      'MANIFEST_ROOT',
    );
    const forged = {
      ...m,
      chunks: m.chunks.map((c, i) => (i === 3 ? { ...c, hash: new Uint8Array(32) } : c)),
    };
    expect(checkedCode(() => verifyManifest(forged, { chainId, stateRoot: state.root() }))).toBe(
      'MANIFEST_ROOT',
    );
    expect(checkedCode(() => verifyManifest(m, { chainId: blockHash, stateRoot: state.root() }))).toBe(
      'MANIFEST_CHAIN',
    );
  });

  it('refuses a flipped byte, a chunk of another index and a wrong length', () => {
    const m = decodeSnapshotManifest(snap.manifestBytes);
    const i = snap.chunks.findIndex((c) => c.length > 3 + 64 * 4);
    const flipped = Uint8Array.from(snap.chunks[i] as Uint8Array);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    expect(checkedCode(() => verifyChunk(m, i, flipped))).toBe('CHUNK_HASH');
    expect(checkedCode(() => verifyChunk(m, (i + 1) % SNAPSHOT_CHUNKS, snap.chunks[i] as Uint8Array))).toBe(
      'CHUNK_HASH',
    );
    expect(checkedCode(() => verifyChunk(m, i, (snap.chunks[i] as Uint8Array).subarray(1)))).toBe(
      'CHUNK_HASH',
    );
  });

  it('refuses a manifest whose root does not match its rebuilt state', () => {
    const m = decodeSnapshotManifest(snap.manifestBytes);
    const parts = snap.chunks.map((c, i) => verifyChunk(m, i, c));
    parts[0] = [];
    expect(checkedCode(() => rebuildState(m, parts))).toBe('STATE_ROOT');
  });

  it('decoders refuse bad magic, unknown format, trailing bytes and oversized input', () => {
    const b = Uint8Array.from(snap.manifestBytes);
    b[0] = 0;
    expect(() => decodeSnapshotManifest(b)).toThrow(CodecError);
    const f = Uint8Array.from(snap.manifestBytes);
    f[4] = 2;
    expect(() => decodeSnapshotManifest(f)).toThrow(/format/);
    expect(() => decodeSnapshotManifest(new Uint8Array(SNAPSHOT_MANIFEST_BYTES + 1))).toThrow(/cap/);
    const c = new Uint8Array((snap.chunks[0] as Uint8Array).length + 1);
    c.set(snap.chunks[0] as Uint8Array);
    expect(() => decodeSnapshotChunk(c)).toThrow(/trailing/);
    const huge = Uint8Array.of(1, 0, 0, 0xff, 0xff, 0xff, 0xff);
    expect(() => decodeSnapshotChunk(huge)).toThrow(CodecError);
  });

  it('an empty state has 64 chunks of empty buckets and the empty state root', () => {
    const empty = buildSnapshot([], { chainId, height: 0, blockHash });
    expect(hex(empty.manifest.stateRoot)).toBe(hex(new ContractState().root()));
    expect(empty.chunks.every((c) => c.length === 3 + 64 * 4)).toBe(true);
  });

  it('a key placed in the wrong bucket is refused even when its hash matches the manifest', () => {
    const m = decodeSnapshotManifest(snap.manifestBytes);
    const key = 'site/00000000';
    const home = bucketOf(key);
    const wrong = home === 0 ? 1 : 0;
    const buckets = Array.from(
      { length: SNAPSHOT_BUCKETS_PER_CHUNK },
      () => [] as { key: Uint8Array; value: Uint8Array }[],
    );
    (buckets[wrong] as { key: Uint8Array; value: Uint8Array }[]).push({
      key: enc.encode(key),
      value: enc.encode('1'),
    });
    const bytes = encodeSnapshotChunk({ index: 0, buckets });
    const forged = {
      ...m,
      chunks: m.chunks.map((c, i) =>
        i === 0 ? { hash: chunkHashOf(decodeSnapshotChunk(bytes).bucketBytes), length: bytes.length } : c,
      ),
    };
    expect(checkedCode(() => verifyChunk(forged, 0, bytes))).toBe('CHUNK_LAYOUT');
  });
});

describe('snapshot vector (docs/wire-format.md §15.5)', () => {
  it('one entry, gov/params = {"a":1}, at height 1000', () => {
    const s = buildSnapshot([['gov/params', enc.encode('{"a":1}')]], {
      chainId: new Uint8Array(32).fill(0x11),
      height: 1000,
      blockHash: new Uint8Array(32).fill(0x22),
    });
    expect(bucketOf('gov/params')).toBe(3306);
    const c = s.chunks[51] as Uint8Array;
    expect(c.length).toBe(284);
    expect(hex(c.subarray(0, 3))).toBe('010033');
    expect(hex(c.subarray(3 + 42 * 4, 3 + 42 * 4 + 4 + 4 + 10 + 4 + 7))).toBe(
      '000000010000000a676f762f706172616d73000000077b2261223a317d',
    );
    expect(hex(s.manifest.chunks[51]?.hash as Uint8Array)).toBe(
      'a506f5092cbeca3586ec5aee98c5ca8b00aac2a045db533d26e38137b4cca74a',
    );
    expect(hex(s.manifest.chunks[0]?.hash as Uint8Array)).toBe(
      '2be3cf0551cc6936d461e3dc43f3c4bf50cbee1bc091925254e879f4e7665e94',
    );
    expect(s.manifest.chunks[0]?.length).toBe(259);
    expect(hex(s.manifestBytes.subarray(0, 111))).toBe(
      `424b534e01${'11'.repeat(32)}00000000000003e8${'22'.repeat(32)}b799cdf672a87b596dad86617b6f2c96907380d667c4625fec5bfdeee3454f670040`,
    );
    expect(hex(s.hash)).toBe('34017072b831226338b124a6d0628af24bbc69aaa7cc44c22124d0e73ec5f5c8');
  });
});
