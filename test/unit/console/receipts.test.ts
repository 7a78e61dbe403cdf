// The console's own actions' receipts proven (console/receipts.ts) over a real ledger's answers: a
// call is "confirmed (proven)" only by a trace that verifies against the console's genesis; a node
// serving a trace with a forged certificate is named and the next node proves it; a node that says
// "committed" of a call no block holds is named, and nothing is confirmed; a claimed height other
// than the proven one names the claimant. Through ConsoleActions: a submitting node that lies about
// the receipt leaves the proposal unconfirmed, with the reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeApi } from '../../../api/handlers.js';
import { ReceiptState, UploadStatus } from '../../../api/types.js';
import { ConsoleActions } from '../../../console/actions.js';
import type { NodeWatch } from '../../../console/node-watch.js';
import { ProvenReads } from '../../../console/proven-reads.js';
import { confirmReceipt, type ReceiptReader } from '../../../console/receipts.js';
import { toHex } from '../../../crypto/bytes.js';
import { lyingNodeApi } from '../../../testkit/lying-node.js';
import { openProposal, type ProvenChain, provenChain, readerOf } from '../api/proven-chain.js';

let pc: ProvenChain;
beforeEach(async () => {
  pc = await provenChain();
});
afterEach(async () => {
  await pc.close();
});

const anchor = () => ({
  chainId: toHex(pc.chain.genesis.chainId),
  validators: pc.chain.validators.map((v) => toHex(v.publicKey)),
});
const reader = (api: NodeApi): ReceiptReader => ({ ...readerOf(api), trace: (c) => api.trace(c) });
const honest = () => ({ name: 'node 1', node: reader(pc.handlers) });
/** Serves every trace with a forged commit certificate. */
const forger = () => ({
  name: 'node 0',
  node: reader(
    lyingNodeApi(pc.handlers, { lies: new Set(['header-cert']), forgedScpKey: new Uint8Array(32).fill(9) }),
  ),
});
const once = { attempts: 1 };
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

describe('receipts of the console’s actions, proven', () => {
  it('confirms by the first trace that verifies, naming the node that forged one', async () => {
    const id = await openProposal(pc);
    const reads = new ProvenReads(() => [], anchor());
    const c = await confirmReceipt(
      () => [forger(), honest()],
      reads.light,
      unhex(id),
      { node: 'node 0', height: 1 },
      once,
    );
    expect(c.proven).toBe(true);
    expect(c.height).toBe(1);
    expect(c.node).toBe('node 1');
    expect(c.refused).toEqual([expect.objectContaining({ node: 'node 0', lied: true })]);
    expect(c.refused[0]!.reason).toMatch(/VERIFICATION_FAILED/);
  });

  it('confirms nothing when only the forger answers, and says why', async () => {
    const id = await openProposal(pc);
    const reads = new ProvenReads(() => [], anchor());
    const c = await confirmReceipt(
      () => [forger()],
      reads.light,
      unhex(id),
      { node: 'node 0', height: 1 },
      once,
    );
    expect(c.proven).toBe(false);
    expect(c.height).toBeUndefined();
    expect(c.error).toMatch(
      /node 0 said committed at height 1, but no node proved it: node 0 \(does not verify\)/,
    );
  });

  it('names a node whose receipt gave another height than the proven one', async () => {
    const id = await openProposal(pc);
    const reads = new ProvenReads(() => [], anchor());
    const c = await confirmReceipt(
      () => [honest()],
      reads.light,
      unhex(id),
      { node: 'node 0', height: 2 },
      once,
    );
    expect(c.proven).toBe(true);
    expect(c.height).toBe(1);
    expect(c.refused).toEqual([
      { node: 'node 0', reason: 'its receipt said height 2, the proven trace says 1', lied: true },
    ]);
  });

  it('confirms nothing of a call no block holds, nor without an anchor', async () => {
    await openProposal(pc);
    const reads = new ProvenReads(() => [], anchor());
    const absent = new Uint8Array(32).fill(7);
    const c = await confirmReceipt(
      () => [honest()],
      reads.light,
      absent,
      { node: 'node 0', height: 2 },
      { attempts: 2, pauseMs: 1 },
    );
    expect(c.proven).toBe(false);
    expect(c.refused).toEqual([expect.objectContaining({ node: 'node 1', lied: false })]);
    const none = await confirmReceipt(() => [honest()], undefined, absent, { node: 'node 0', height: 1 });
    expect(none.proven).toBe(false);
    expect(none.error).toMatch(/--genesis/);
  });

  it('through the console: a submitting node lying “committed” leaves the proposal unconfirmed', async () => {
    await openProposal(pc);
    const tip = (await pc.handlers.getStatus()).height;
    // The node takes the proposal, drops it, and answers every receipt "committed at the tip".
    const liar = {
      view: { up: true, name: 'node 0', status: { chainId: toHex(pc.chain.genesis.chainId) } },
      client: {
        submitGovernance: async () => ({ status: UploadStatus.Accepted, reason: '', message: '' }),
        getReceipt: async (code: Uint8Array) => ({
          tracingCode: code,
          state: ReceiptState.Committed,
          height: tip,
          index: 0,
          result: '',
          blockTime: 0,
        }),
      },
    } as unknown as NodeWatch;
    const reads = new ProvenReads(() => [honest()], anchor());
    const actions = new ConsoleActions(
      [liar],
      pc.chain.admins[0]!,
      reads,
      { attempts: 2, pauseMs: 1 },
      () => [{ name: 'node 0', node: reader(pc.handlers) }, honest()],
    );
    const r = await actions.propose({ type: 'revokeSite', siteKeyId: 'ab'.repeat(16) });
    expect(r.height).toBe(tip);
    expect(r.confirmation.proven).toBe(false);
    expect(r.confirmation.claimedBy).toBe('node 0');
    expect(r.confirmation.error).toMatch(/node 0 said committed at height 2, but no node proved it/);
  });
});
