// The console's governance reads proven against its own genesis (console/proven-reads.ts) over a
// real ledger's answers, one node of two lying (the test kit's bad state proofs): every item is
// shown as proven by the honest node with the liar named; with only the liar nothing is shown and
// each item says why; without an anchor each item says it is one node's word. Approving re-reads
// the proposal with a proof first: it refuses an unproven proposal, an action other than the one
// shown, an expired or unknown proposal, and a console without an anchor, all before signing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleActions } from '../../../console/actions.js';
import { ConsoleError, ConsoleErrorCode } from '../../../console/errors.js';
import { readGovernance } from '../../../console/governance.js';
import { ProvenReads } from '../../../console/proven-reads.js';
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
const honest = () => ({ name: 'node 1', node: readerOf(pc.handlers) });
const liar = () => ({
  name: 'node 0',
  node: readerOf(
    lyingNodeApi(pc.handlers, { lies: new Set(['state-proof']), forgedScpKey: new Uint8Array(32).fill(9) }),
  ),
});
const ITEMS = ['admins', 'params', 'validators', 'open', 'closed'] as const;

async function code(p: Promise<unknown>): Promise<ConsoleErrorCode | string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof ConsoleError) return err.code;
  return `not a ConsoleError: ${String(err)}`;
}

describe('governance proven against the console anchor', () => {
  it('shows each item proven by the honest node and names the liar', async () => {
    const id = await openProposal(pc);
    const reads = new ProvenReads(() => [liar(), honest()], anchor());
    const g = await readGovernance((k) => reads.item(k), pc.t(2), reads.anchored);
    expect(g.anchored).toBe(true);
    for (const item of ITEMS) {
      expect(g.proofs[item].verified).toBe(true);
      expect(g.proofs[item].node).toBe('node 1');
      expect(g.proofs[item].refused).toEqual([expect.objectContaining({ node: 'node 0', lied: true })]);
    }
    expect(g.height).toBe(1);
    expect(g.admins.map((a) => a.publicKey)).toEqual(pc.chain.admins.map((a) => toHex(a.publicKey)));
    expect(g.open.map((p) => p.id)).toEqual([id]);
    expect(g.validators.map((v) => v.activateAt)).toEqual([0]);
  });

  it('shows nothing of an item no node proves, saying why', async () => {
    await openProposal(pc);
    const reads = new ProvenReads(() => [liar()], anchor());
    const g = await readGovernance((k) => reads.item(k), pc.t(2), reads.anchored);
    for (const item of ITEMS) {
      expect(g.proofs[item].verified).toBe(false);
      expect(g.proofs[item].error).toMatch(/node 0/);
    }
    expect(g.admins).toEqual([]);
    expect(g.open).toEqual([]);
    expect(g.validators).toEqual([]);
    expect(g.height).toBe(-1);
  });

  it('without an anchor, says each item is the first node’s word', async () => {
    await openProposal(pc);
    const reads = new ProvenReads(() => [liar(), honest()], undefined);
    const g = await readGovernance((k) => reads.item(k), pc.t(2), reads.anchored);
    expect(g.anchored).toBe(false);
    for (const item of ITEMS)
      expect(g.proofs[item]).toEqual({ verified: false, node: 'node 0', refused: [] });
    expect(g.open).toHaveLength(1);
  });
});

describe('approving re-reads the proposal with a proof', () => {
  // No node to submit to: an approval that passes every check before signing ends in UNAVAILABLE
  // ("no node is up to submit to"), one refused before signing in another code.
  const actions = (reads: ProvenReads) => new ConsoleActions([], pc.chain.admins[1], reads);

  it('refuses a proposal no node proves, and a console with no anchor', async () => {
    const id = await openProposal(pc);
    const g = await readGovernance((k) => new ProvenReads(() => [honest()], anchor()).item(k), pc.t(2), true);
    const shown = g.open[0]!.action;
    const onlyLiar = actions(new ProvenReads(() => [liar()], anchor()));
    const err = await onlyLiar.approve(id, shown, pc.t(2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).code).toBe(ConsoleErrorCode.Unproven);
    expect((err as ConsoleError).message).toMatch(/node 0/);
    expect(
      await code(actions(new ProvenReads(() => [honest()], undefined)).approve(id, shown, pc.t(2))),
    ).toBe(ConsoleErrorCode.Unproven);
  });

  it('signs only the proven action, open and unexpired', async () => {
    const id = await openProposal(pc);
    const reads = new ProvenReads(() => [liar(), honest()], anchor());
    const g = await readGovernance((k) => reads.item(k), pc.t(2), true);
    const shown = g.open[0]!.action as Record<string, unknown>;
    const a = actions(reads);
    // The proven action as shown: every check passes and only the missing node stops it.
    expect(await code(a.approve(id, shown, pc.t(2)))).toBe(ConsoleErrorCode.Unavailable);
    // Another action than the one the proof names (as a lying node's page would have shown it).
    expect(await code(a.approve(id, { ...shown, activateAt: 101 }, pc.t(2)))).toBe(ConsoleErrorCode.Conflict);
    expect(await code(a.approve(id, undefined, pc.t(2)))).toBe(ConsoleErrorCode.BadRequest);
    expect(await code(a.approve(id, shown, pc.t(2) + 7200_000))).toBe(ConsoleErrorCode.Conflict);
    expect(await code(a.approve('ab'.repeat(32), shown, pc.t(2)))).toBe(ConsoleErrorCode.NotFound);
  });
});
