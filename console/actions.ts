// What the console changes, and only when its operator gave it an administrator's key
// (`--admin-key`): approving an open governance proposal (a signed ContractCall submitted to a
// node, platform/admin.ts, waited for until committed) and acknowledging an alarm (the node's
// AckAlarm, signed for that node, api/admin-call.ts). Without a key the console stays read-only
// and says so; the node checks the signature and the key's admin rights either way, so the console
// is never trusted for more than relaying what its key signs.
import { adminCall } from '../api/admin-call.js';
import { alarmsService } from '../api/alarms.js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { Admin, type CallResult } from '../platform/admin.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { NodeWatch } from './node-watch.js';

const HEX64 = /^[0-9a-f]{64}$/;
/** Alarm IDs are rule:subject; bounded and printable so nothing odd is relayed. */
const ALARM_ID = /^[\x21-\x7e]{1,200}$/;

export const READ_ONLY =
  'the console is read-only: it was started without an administrator key (--admin-key)';

export interface AckResult {
  alarm?: { id: string; state: string; acknowledgedBy: string; acknowledgedAtMs: number | string };
}

export class ConsoleActions {
  constructor(
    private readonly nodes: readonly NodeWatch[],
    private readonly key: Ed25519KeyPair | undefined,
  ) {}

  get enabled(): boolean {
    return this.key !== undefined;
  }

  private requireKey(): Ed25519KeyPair {
    if (this.key === undefined) throw new ConsoleError(ConsoleErrorCode.Forbidden, READ_ONLY);
    return this.key;
  }

  /** Approves proposal `id` (hex) through the first node up; resolves once it is committed. */
  async approve(id: string): Promise<CallResult> {
    const key = this.requireKey();
    const proposal = id.toLowerCase();
    if (!HEX64.test(proposal))
      throw new ConsoleError(ConsoleErrorCode.BadRequest, 'a proposal ID is 64 hex digits');
    const node = this.nodes.find((n) => n.view.up && n.view.status !== undefined);
    if (node === undefined || node.view.status === undefined)
      throw new ConsoleError(ConsoleErrorCode.Unavailable, 'no node is up to submit to');
    const admin = new Admin(node.client, {
      chainId: new Uint8Array(Buffer.from(node.view.status.chainId, 'hex')),
      key,
      receiptTimeoutMs: 30_000,
    });
    return admin.approve(proposal);
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
