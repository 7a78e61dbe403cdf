// The contract stream's lines for one executed block (docs/operations.md, "Log management"): a
// summary of its receipts, one line per governance call (proposal or approval, who signed it,
// applied or why refused) and the governance records the block changed, which is where a
// proposal that reached its threshold shows as executed.

import { decodeEnvelope } from '../codec/envelope.js';
import type { Block } from '../codec/types.js';
import { EnvelopeKind } from '../codec/types.js';
import { toHex } from '../crypto/bytes.js';
import { type ExecutionResult, Reason, ReceiptStatus } from '../ledger/index.js';
import type { Logger } from '../runtime/log.js';

const reasonName = (r: number): string => Reason[r] ?? String(r);
const ascii = new TextDecoder();

/** `ids`: the block's tracing codes (hex) in block order. */
export function logExecution(log: Logger, block: Block, execution: ExecutionResult, ids: string[]): void {
  const height = block.header.height;
  const refused: Record<string, number> = {};
  let applied = 0;
  for (const r of execution.receipts) {
    if (r.status === ReceiptStatus.Applied) applied++;
    else refused[reasonName(r.reason)] = (refused[reasonName(r.reason)] ?? 0) + 1;
  }
  log.info(
    { event: 'contract.block', height, envelopes: execution.receipts.length, applied, refused },
    'block executed',
  );
  const governance = execution.stateChanges
    // "record", not "key": the log's redaction would hide a field named key.
    .map((c) => ({ record: ascii.decode(c.key), deleted: c.value === undefined }))
    .filter((c) => c.record.startsWith('gov/'));
  // A proposal still pending after the block has its record written; an applied call whose
  // proposal has no record left (never written: threshold 1; deleted: the last approval) executed.
  const pending = new Set(governance.filter((c) => !c.deleted).map((c) => c.record));
  for (const [i, bytes] of block.envelopes.entries()) {
    // Uploads are the bulk of every block and have their summary above; only calls are decoded.
    if (bytes[1] !== EnvelopeKind.ContractCall) continue;
    const env = decodeEnvelope(bytes);
    if (env.kind !== EnvelopeKind.ContractCall) continue;
    const receipt = execution.receipts[i];
    const call = env.call;
    const ok = receipt?.status === ReceiptStatus.Applied;
    if (call.type !== 'propose' && call.type !== 'approve') {
      const result = ok ? 'applied' : reasonName(receipt?.reason ?? -1);
      const fields = { event: 'contract.xchain', height, tracingCode: ids[i], call: call.type, result };
      log.info(
        { ...fields, signerKeyId: toHex(env.signerKeyId), clientId: call.clientId },
        'cross-chain call',
      );
      continue;
    }
    const proposalId = call.type === 'propose' ? ids[i]! : toHex(call.proposalId);
    log.info(
      {
        event: 'contract.call',
        height,
        tracingCode: ids[i],
        signerKeyId: toHex(env.signerKeyId),
        call: call.type,
        ...(call.type === 'propose' ? { action: call.action.type } : {}),
        proposalId,
        result: ok ? 'applied' : reasonName(receipt?.reason ?? -1),
        executed: ok && !pending.has(`gov/proposal/${proposalId}`),
      },
      call.type === 'propose' ? 'governance proposal' : 'governance approval',
    );
  }
  if (governance.length > 0)
    log.info({ event: 'contract.governance', height, changes: governance }, 'governance state changed');
}
