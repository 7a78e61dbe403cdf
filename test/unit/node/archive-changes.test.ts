// An archive across a validator-set change (node/store/archive-write.ts, node/archive/verify.ts):
// the segment holding the activation carries the proof the node kept of the change, so the
// archive verifies from the genesis set alone; without that proof it fails at the activation.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../../node/archive/verify.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { archiveDataDir, archivedSegmentOf, manifestFileName } from '../../../node/store/index.js';
import { tempDir } from '../store/fixtures.js';
import { ACTIVATION, builder, chain } from './change-chain.js';

const anchor = {
  chainId: chain.genesis.chainId,
  validators: chain.genesis.validators,
  genesisTime: chain.genesis.genesisTime,
};

describe('archive across a validator-set change', () => {
  let data: ReturnType<typeof tempDir>;
  let arch: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    data = tempDir();
    arch = tempDir();
    const l = await PersistedLedger.open(data.dir, chain.genesis, { segmentBytes: 1500 });
    await builder(l).upTo(ACTIVATION + 6);
    await l.close();
  });
  afterEach(() => {
    data.cleanup();
    arch.cleanup();
  });

  it('verifies from the genesis set, learning the change from the archived proof', async () => {
    const run = await archiveDataDir(data.dir, arch.dir, { below: ACTIVATION + 6 });
    expect(run.top).toBeGreaterThan(ACTIVATION);
    const r = await verifyArchive(arch.dir, anchor);
    expect(r.failure).toBeNull();
    expect(r.validatorChanges).toEqual([ACTIVATION]);
    expect(r.top).toBe(run.top);
  });

  it('fails at the activation, naming its segment, when the proof is left out of the manifest', async () => {
    await archiveDataDir(data.dir, arch.dir, { below: ACTIVATION + 6 });
    const seg = archivedSegmentOf(arch.dir, ACTIVATION)!;
    const path = join(arch.dir, manifestFileName(seg.file));
    const m = JSON.parse(readFileSync(path, 'utf8'));
    expect(m.validatorChanges.map((c: { activation: number }) => c.activation)).toEqual([ACTIVATION]);
    m.validatorChanges = [];
    writeFileSync(path, JSON.stringify(m));
    const r = await verifyArchive(arch.dir, anchor);
    expect(r.failure).toMatchObject({ segment: seg.file, height: ACTIVATION, check: 'VALIDATOR_CHANGE' });
    expect(r.top).toBe(ACTIVATION - 1);
  });
});
