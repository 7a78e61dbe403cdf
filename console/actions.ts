// What the console changes, and only when its operator gave it an administrator's key
// (`--admin-key`): approving an open governance proposal (a signed ContractCall submitted to a
// node, platform/admin.ts, waited for until committed) and acknowledging an alarm (the node's
// AckAlarm, signed for that node, api/admin-call.ts) and proposing the few actions console/propose.ts
// checks. Without a key the console stays read-only
// and says so; the node checks the signature and the key's admin rights either way, so the console
// is never trusted for more than relaying what its key signs. An approval is signed only for a
// proposal re-read with a proof against the console's trust anchor just before, whose proven action
// is the one the page showed: a node that lies about what a proposal does cannot get it approved.
import { adminCall } from '../api/admin-call.js';
import { alarmsService } from '../api/alarms.js';
import { parseJson } from '../api/state-values.js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { actionToJson } from '../ledger/action-json.js';
import { K, type ProposalRecord } from '../ledger/records.js';
import { canonicalJson, type Json } from '../ledger/state.js';
import { Admin, type CallResult } from '../platform/admin.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { NodeWatch } from './node-watch.js';
import { proposalAction } from './propose.js';
import type { ProvenReads } from './proven-reads.js';

const HEX64 = /^[0-9a-f]{64}$/;
/** Alarm IDs are rule:subject; bounded and printable so nothing odd is relayed. */
const ALARM_ID = /^[\x21-\x7e]{1,200}$/;

export const READ_ONLY =
  'the console is read-only: it was started without an administrator key (--admin-key)';

export interface ApproveResult extends CallResult {
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
    const result = await this.admin(key).approve(proposal);
    return { ...result, action: record.action, provenAt: proven.value.height, provenBy: proven.node };
  }

  /**
   * Proposes the action the page sent (checked by console/propose.ts before signing); resolves once
   * the proposal is committed, with its ID (the tracing code) for the other administrators.
   */
  async propose(action: unknown): Promise<CallResult & { proposalId: string; action: Json }> {
    const key = this.requireKey();
    const parsed = proposalAction(action);
    const result = await this.admin(key).propose(parsed);
    return { ...result, proposalId: result.tracingCode, action: actionToJson(parsed) };
  }

  /** The signer over the first node up. */
  private admin(key: Ed25519KeyPair): Admin {
    const node = this.nodes.find((n) => n.view.up && n.view.status !== undefined);
    if (node === undefined || node.view.status === undefined)
      throw new ConsoleError(ConsoleErrorCode.Unavailable, 'no node is up to submit to');
    // The anchor's chain ID when there is one: never sign for the chain a node claims.
    return new Admin(node.client, {
      chainId: this.reads.light?.chainId ?? new Uint8Array(Buffer.from(node.view.status.chainId, 'hex')),
      key,
      receiptTimeoutMs: 30_000,
    });
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
