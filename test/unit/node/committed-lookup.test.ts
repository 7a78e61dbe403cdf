// The look-up, before block validation, of a proposed block's envelopes that an earlier block
// already holds (applied, or refused at execution), against a real ledger: one tracing code, one
// block, whatever a faulty primary proposes.
import { afterEach, describe, expect, it } from 'vitest';
import { tracingCode } from '../../../crypto/hash.js';
import { keyIdOf } from '../../../crypto/key-id.js';
import { hex } from '../../../node/admission/admission.js';
import { seqCheckOf } from '../../../node/admission/evictions.js';
import { Mempool } from '../../../node/chain/mempool.js';
import { lookUpCommitted } from '../../../node/committed-lookup.js';
import { PersistedLedger } from '../../../node/persisted-ledger.js';
import { MemoryDb } from '../../../node/store/index.js';
import { ReceiptStatus } from '../../../node/store/values.js';
import { certifiedBlock, tempDir, testChain, upload } from '../store/fixtures.js';

const dirs: ReturnType<typeof tempDir>[] = [];
const ledgers: PersistedLedger[] = [];
afterEach(async () => {
  for (const l of ledgers.splice(0)) await l.close();
  for (const d of dirs.splice(0)) d.cleanup();
});

const t = Date.parse('2026-01-01T00:01:00Z');

describe('lookUpCommitted', () => {
  it('finds the envelopes an earlier block applied or refused, and no others', async () => {
    const chain = testChain();
    const tmp = tempDir();
    dirs.push(tmp);
    const ledger = await PersistedLedger.open(tmp.dir, chain.genesis, { db: new MemoryDb() });
    ledgers.push(ledger);
    const [s1, s2] = chain.sites;
    const id = chain.genesis.chainId;
    const applied = upload(id, s1!, 1, t);
    // Routed to another country: refused at execution, its sequence number left unspent.
    const refused = upload(id, s2!, 1, t, { country: 250 });
    const b = certifiedBlock(chain, 1, [applied, refused]);
    const { execution } = await ledger.commit(b.bytes, b.decoded);
    expect(execution.receipts.map((r) => r.status)).toEqual([ReceiptStatus.Applied, ReceiptStatus.Rejected]);
    const fresh = upload(id, s1!, 2, t);
    const pending = upload(id, s2!, 2, t);
    const mempool = new Mempool();
    mempool.add({
      id: hex(tracingCode(pending)),
      code: tracingCode(pending),
      bytes: pending,
      signer: hex(keyIdOf(s2!.key.publicKey)),
      seq: 2,
    });
    const found = new Set<string>();
    const asked: Uint8Array[][] = [];
    await lookUpCommitted([applied, fresh, refused, pending], {
      mempool,
      seqCheck: seqCheckOf(ledger.contracts),
      recorded: (tcs, rejectedOnly) => {
        asked.push(tcs);
        return ledger.store.recorded(tcs, rejectedOnly);
      },
      found,
    });
    expect([...found].sort()).toEqual([hex(tracingCode(applied)), hex(tracingCode(refused))].sort());
    // The mempool's envelope is not looked up: admission made sure no block held it.
    expect(asked.flat().map(hex)).not.toContain(hex(tracingCode(pending)));
  });
});
