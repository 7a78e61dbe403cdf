// The contract stream's lines for an executed block (node/contract-log.ts): the receipt summary,
// one line per governance call with its signer and result, and the governance records changed.
import { afterEach, describe, expect, it } from 'vitest';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { hex } from '../../../node/admission/admission.js';
import { logExecution } from '../../../node/contract-log.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb } from '../../../node/store/index.js';
import { loggerFrom } from '../../../runtime/log.js';
import { call, certifiedBlock, tempDir, testChain, upload } from '../store/fixtures.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('contract stream', () => {
  it('logs the block summary, each governance call with its result, and the governance records changed', async () => {
    const chain = testChain({ threshold: 2 });
    const tmp = tempDir();
    const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    cleanups.push(tmp.cleanup, () => ledger.close());
    const t = chain.genesis.genesisTime + 1000;
    const [s1] = chain.sites;
    const [admin] = chain.admins;
    const suspend = {
      type: 'propose' as const,
      action: { type: 'suspendSite' as const, siteKeyId: keyIdOf(s1!.key.publicKey) },
      expiresAt: t + 60_000,
    };
    const envelopes = [
      upload(chain.genesis.chainId, s1!, 1, t),
      call(chain.genesis.chainId, admin!, 1, t, suspend),
      // Signed by a site, not an administrator: refused at execution.
      call(chain.genesis.chainId, s1!.key, 2, t, suspend),
    ];
    const b = certifiedBlock(chain, 1, envelopes, { time: t });
    const { execution } = await ledger.commit(b.bytes, b.decoded);
    const lines: { msg: string; meta?: Record<string, unknown> }[] = [];
    const ids = envelopes.map((e) => hex(tracingCode(e)));
    logExecution(
      loggerFrom((_l, msg, meta) => lines.push({ msg, meta })),
      b.decoded.block,
      execution,
      ids,
    );
    expect(lines.map((l) => l.msg)).toEqual([
      'block executed',
      'governance proposal',
      'governance proposal',
      'governance state changed',
    ]);
    expect(lines[0]?.meta).toMatchObject({
      event: 'contract.block',
      height: 1,
      envelopes: 3,
      applied: 2,
      refused: { NotAdmin: 1 },
    });
    expect(lines[1]?.meta).toMatchObject({
      event: 'contract.call',
      call: 'propose',
      action: 'suspendSite',
      proposalId: ids[1],
      signerKeyId: hex(keyIdOf(admin!.publicKey)),
      result: 'applied',
      // Threshold 2: proposed, not executed yet.
      executed: false,
    });
    expect(lines[2]?.meta).toMatchObject({
      result: 'NotAdmin',
      signerKeyId: hex(keyIdOf(s1!.key.publicKey)),
    });
    expect(lines[3]?.meta?.changes).toEqual([{ record: `gov/proposal/${ids[1]}`, deleted: false }]);
  });

  it('marks a proposal that reached its threshold as executed', async () => {
    const chain = testChain({ threshold: 1 });
    const tmp = tempDir();
    const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    cleanups.push(tmp.cleanup, () => ledger.close());
    const t = chain.genesis.genesisTime + 1000;
    const siteKeyId = keyIdOf(chain.sites[0]!.key.publicKey);
    const envelopes = [
      call(chain.genesis.chainId, chain.admins[0]!, 1, t, {
        type: 'propose',
        action: { type: 'suspendSite', siteKeyId },
        expiresAt: t + 60_000,
      }),
    ];
    const b = certifiedBlock(chain, 1, envelopes, { time: t });
    const { execution } = await ledger.commit(b.bytes, b.decoded);
    const metas: Record<string, unknown>[] = [];
    const ids = envelopes.map((e) => hex(tracingCode(e)));
    logExecution(
      loggerFrom((_l, _m, meta) => meta && metas.push(meta)),
      b.decoded.block,
      execution,
      ids,
    );
    expect(metas.find((m) => m.event === 'contract.call')).toMatchObject({
      result: 'applied',
      executed: true,
    });
  });
});
