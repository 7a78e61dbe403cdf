// What the console changes, and only when its operator gave it an administrator's key
// (`--admin-key`): approving an open governance proposal (a signed ContractCall submitted to a
// node, platform/admin.ts, waited for until committed) and acknowledging an alarm (the node's
// AckAlarm, signed for that node, api/admin-call.ts) and proposing the few actions console/propose.ts
// checks. Without a key the console stays read-only
// and says so; the node checks the signature and the key's admin rights either way, so the console
// is never trusted for more than relaying what its key signs. An approval is signed only for a
// proposal re-read with a proof against the console's trust anchor just before, whose proven action
// is the one the page showed: a node that lies about what a proposal does cannot get it approved.
// The receipt of each approval or proposal is then proven (console/receipts.ts): the page says
// "confirmed (proven)" only when a node's trace of the call verifies against the trust anchor.
import { adminCall } from '../api/admin-call.js';
import { alarmsService } from '../api/alarms.js';
import type { NamedNode } from '../api/proven-state.js';
import { parseJson } from '../api/state-values.js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { actionToJson } from '../ledger/action-json.js';
import { K, type ProposalRecord } from '../ledger/records.js';
import { canonicalJson, type Json } from '../ledger/state.js';
import { Admin, type CallResult } from '../platform/admin.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { NodeWatch } from './node-watch.js';
import { type ConnectRemote, formProposal, type TrustedHeader } from './propose-counterparty.js';
import { clientReader, type ProvenReads } from './proven-reads.js';
import { type Confirmation, type ConfirmOptions, confirmReceipt, type ReceiptReader } from './receipts.js';

const HEX64 = /^[0-9a-f]{64}$/;
/** Alarm IDs are rule:subject; bounded and printable so nothing odd is relayed. */
const ALARM_ID = /^[\x21-\x7e]{1,200}$/;

export const READ_ONLY =
  'the console is read-only: it was started without an administrator key (--admin-key)';

/** A call's result: the submitting node's receipt, and whether the console proved it (receipts.ts). */
export interface ConfirmedCall extends CallResult {
  confirmation: Confirmation;
}

export interface ApproveResult extends ConfirmedCall {
  /** The action approved, as proven before signing. */
  action: Json;
  /** The proof it was read with: the state after this block, from this node. */
  provenAt: number;
  provenBy: string;
}

export interface AckResult {
  alarm?: { id: string; state: string; acknowledgedBy: string; acknowledgedAtMs: number | string };
}

export class ConsoleActions {
  constructor(
    private readonly nodes: readonly NodeWatch[],
    private readonly key: Ed25519KeyPair | undefined,
    private readonly reads: ProvenReads,
    private readonly confirmOptions: ConfirmOptions = {},
    /** The nodes asked for a receipt's trace, in order: the nodes up by default. */
    private readonly receiptNodes: () => NamedNode<ReceiptReader>[] = () =>
      this.nodes.filter((n) => n.view.up).map((n) => ({ name: n.view.name, node: clientReader(n.client) })),
    /** How a node of another chain is reached, for the header a counterparty registration trusts. */
    private readonly connectRemote: ConnectRemote = () => {
      throw new ConsoleError(ConsoleErrorCode.Unavailable, 'this console reaches no other chain');
    },
  ) {}

  get enabled(): boolean {
    return this.key !== undefined;
  }

  private requireKey(): Ed25519KeyPair {
    if (this.key === undefined) throw new ConsoleError(ConsoleErrorCode.Forbidden, READ_ONLY);
    return this.key;
  }

  /**
   * Approves proposal `id` (hex) through the first node up; resolves once it is committed. `shown`
   * is the action the page showed for it: the proposal is first re-read with a proof, and the
   * approval is signed only when it is proven open, unexpired, and its action is `shown`.
   */
  async approve(id: string, shown: unknown, now = Date.now()): Promise<ApproveResult> {
    const key = this.requireKey();
    const proposal = id.toLowerCase();
    if (!HEX64.test(proposal))
      throw new ConsoleError(ConsoleErrorCode.BadRequest, 'a proposal ID is 64 hex digits');
    if (shown === undefined || shown === null || typeof shown !== 'object')
      throw new ConsoleError(
        ConsoleErrorCode.BadRequest,
        'action: the action shown for the proposal (the console signs only an action it proved)',
      );
    const proven = await this.reads.proven(K.proposal(proposal));
    const at = `proven by ${proven.node} at height ${proven.value.height}`;
    const [entry] = proven.value.entries;
    if (entry === undefined)
      throw new ConsoleError(ConsoleErrorCode.NotFound, `no open proposal ${proposal} (${at})`);
    const record = parseJson<ProposalRecord>(entry.value);
    if (now > record.expiresAt)
      throw new ConsoleError(ConsoleErrorCode.Conflict, `proposal ${proposal} has expired (${at})`);
    if (canonicalJson(record.action) !== canonicalJson(shown as Json))
      throw new ConsoleError(
        ConsoleErrorCode.Conflict,
        `the proven action of proposal ${proposal} is not the one shown (${at}): reload the page`,
      );
    const { admin, node } = this.admin(key);
    const result = await this.confirmed(await admin.approve(proposal), node);
    return { ...result, action: record.action, provenAt: proven.value.height, provenBy: proven.node };
  }

  /**
   * Proposes the action the page sent (checked by console/propose.ts, or for a counterparty its
   * header fetched and verified by console/propose-counterparty.ts, before signing); resolves once
   * the proposal is committed, with its ID (the tracing code) for the other administrators.
   */
  async propose(
    action: unknown,
  ): Promise<ConfirmedCall & { proposalId: string; action: Json; trusted?: TrustedHeader }> {
    const key = this.requireKey();
    const { action: parsed, trusted } = await formProposal(action, this.connectRemote);
    const { admin, node } = this.admin(key);
    const result = await this.confirmed(await admin.propose(parsed), node);
    return {
      ...result,
      proposalId: result.tracingCode,
      action: actionToJson(parsed),
      ...(trusted === undefined ? {} : { trusted }),
    };
  }

  /** `result` (one node's receipt) with its proof, or why there is none (receipts.ts). */
  private async confirmed(result: CallResult, node: string): Promise<ConfirmedCall> {
    const confirmation = await confirmReceipt(
      this.receiptNodes,
      this.reads.light,
      new Uint8Array(Buffer.from(result.tracingCode, 'hex')),
      { node, height: result.height },
      this.confirmOptions,
    );
    return { ...result, confirmation };
  }

  /** The signer over the first node up, and that node's name. */
  private admin(key: Ed25519KeyPair): { admin: Admin; node: string } {
    const node = this.nodes.find((n) => n.view.up && n.view.status !== undefined);
    if (node === undefined || node.view.status === undefined)
      throw new ConsoleError(ConsoleErrorCode.Unavailable, 'no node is up to submit to');
    // The anchor's chain ID when there is one: never sign for the chain a node claims.
    const admin = new Admin(node.client, {
      chainId: this.reads.light?.chainId ?? new Uint8Array(Buffer.from(node.view.status.chainId, 'hex')),
      key,
      receiptTimeoutMs: 30_000,
    });
    return { admin, node: node.view.name };
  }

  /** Acknowledges alarm `id` on node `index` (AckAlarm, signed for that node). */
  async ackAlarm(index: number, id: string): Promise<AckResult> {
    const key = this.requireKey();
    const node = this.nodes[index];
    if (node === undefined) throw new ConsoleError(ConsoleErrorCode.NotFound, 'no such node');
    if (!ALARM_ID.test(id))
      throw new ConsoleError(ConsoleErrorCode.BadRequest, 'an alarm ID is 1..200 printable characters');
    return adminCall<AckResult>(node.rpcTarget, alarmsService(), 'AckAlarm', { id }, key);
  }
}
