// The e2e invariants on pruning nodes (e2e/pruned.ts, e2e/prune-check.ts): a PRUNED answer is
// accepted only when it names the archive segment holding the height; an archive is used only once
// it verifies from the genesis; a pruned envelope's bundle, built from the archive, must pass the
// offline check against the genesis set. A real LevelDB store with certified blocks is archived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../../api/errors.js';
import { toHex } from '../../../crypto/bytes.js';
import { tracingCode } from '../../../crypto/hash.js';
import { judgeNodePruning } from '../../../e2e/prune-check.js';
import {
  type ArchiveRead,
  archiveSegmentAt,
  checkArchivedTrace,
  judgePruned,
  readArchive,
} from '../../../e2e/pruned.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { archiveDataDir } from '../../../node/store/index.js';
import { tempDir, testChain, uploadChain } from '../store/fixtures.js';

const chain = testChain();
// Seven validators: the first four are this chain's, so its certificates carry no quorum of them.
const other = testChain({ validators: 7 });
const id = chain.genesis.chainId;
const N = 16;
const BELOW = 9;

const pruned = (segment: string | undefined, h = 3): ApiError =>
  new ApiError(
    ApiErrorCode.Pruned,
    `block ${h} pruned: bodies below height 9 are deleted` +
      (segment === undefined ? '' : `; its node archives it in segment ${segment}`),
    { earliestHeight: 9 },
  );

describe('judgePruned', () => {
  it('accepts only a PRUNED answer naming the segment that holds the height', () => {
    const seg = 'seg-000000000001-000000000004.log';
    expect(judgePruned(pruned(seg), 3, seg)).toBeUndefined();
    expect(judgePruned(pruned(undefined), 3, seg)).toMatch(/without naming its archive segment/);
    expect(judgePruned(pruned('seg-000000000005-000000000008.log'), 3, seg)).toMatch(/without naming/);
    expect(judgePruned(pruned(seg), 3, undefined)).toMatch(/archive holds no segment/);
    expect(judgePruned(new ApiError(ApiErrorCode.NotFound, 'no such block'), 3, seg)).toMatch(
      /not a PRUNED answer/,
    );
    expect(judgePruned(new Error('connection reset'), 3, seg)).toMatch(/not a PRUNED answer/);
  });
});

describe('judgeNodePruning', () => {
  it('fails a node that pruned nothing, an archive that did not verify or ends short', () => {
    expect(judgeNodePruning(0, 40, { top: 39 })).toEqual([]);
    expect(judgeNodePruning(0, 40, undefined)).toEqual([]);
    expect(judgeNodePruning(1, 1, { top: 0 })[0]).toMatch(/nothing was pruned/);
    expect(judgeNodePruning(2, 40, { top: 30 })[0]).toMatch(/archive ends at 30/);
    expect(judgeNodePruning(3, 40, { top: 39, error: 'does not verify' })).toEqual([
      'node 3: does not verify',
    ]);
  });
});

describe('the archive of a pruning node', () => {
  const data = tempDir();
  const arch = tempDir();
  const blocks = uploadChain(chain, N);
  const envelopes = blocks.map((b) => b.decoded.block.envelopes[0]!);
  const anchor = { chainId: id, validators: chain.genesis.validators };
  let read: ArchiveRead;

  beforeAll(async () => {
    const l = await PersistedLedger.open(data.dir, chain.genesis, { segmentBytes: 3000 });
    for (const b of blocks) await l.commit(b.bytes, b.decoded);
    await l.close();
    await archiveDataDir(data.dir, arch.dir, { below: BELOW });
    read = await readArchive(arch.dir, anchor);
  });
  afterAll(() => {
    data.cleanup();
    arch.cleanup();
  });

  it('reads every archived block once the archive verified, with the chain hashes', () => {
    expect(read.error).toBeUndefined();
    const top = Math.max(...read.blocks.keys());
    expect(top).toBeGreaterThanOrEqual(2);
    expect(top).toBeLessThan(BELOW);
    for (let h = 1; h <= top; h++) {
      expect(read.blocks.get(h)?.hash).toBe(toHex(blocks[h - 1]!.hash));
      expect(read.blocks.get(h)?.ids).toEqual([toHex(tracingCode(envelopes[h - 1]!))]);
      expect(read.heightOf.get(toHex(tracingCode(envelopes[h - 1]!)))).toBe(h);
    }
  });

  it('refuses an archive that does not verify from this genesis', async () => {
    const wrong = await readArchive(arch.dir, { chainId: id, validators: other.genesis.validators });
    expect(wrong.error).toMatch(/does not verify/);
    expect(wrong.blocks.size).toBe(0);
  });

  it('a pruned envelope: PRUNED naming its segment and the archived bundle verifying', async () => {
    const code = toHex(tracingCode(envelopes[1]!));
    const seg = archiveSegmentAt(arch.dir, 2);
    expect(seg).toBeDefined();
    const trust = { chainId: id, validators: chain.genesis.validators };
    expect(await checkArchivedTrace(pruned(seg, 2), code, arch.dir, read, trust)).toBeUndefined();
    // The same answer without the segment, or checked against another validator set, fails.
    expect(await checkArchivedTrace(pruned(undefined, 2), code, arch.dir, read, trust)).toMatch(
      /without naming/,
    );
    const otherTrust = { chainId: id, validators: other.genesis.validators };
    expect(await checkArchivedTrace(pruned(seg, 2), code, arch.dir, read, otherTrust)).toMatch(
      /does not verify/,
    );
    // An envelope the archive does not hold (its block is above the archive) is no PRUNED to accept.
    const kept = toHex(tracingCode(envelopes[N - 1]!));
    expect(await checkArchivedTrace(pruned(seg, N), kept, arch.dir, read, trust)).toMatch(
      /in no archived block/,
    );
  });
});
