// What a block recorded for an envelope, as the RPC says it (GetReceipt's `result`, and the
// `reason` of an ALREADY_COMMITTED answer to a re-send): '' when applied, else the name of the
// contract's reason for refusing it at execution (node/contracts/reasons.ts).
import { Reason } from '../../ledger/reasons.js';
import { type Receipt, ReceiptStatus } from '../store/index.js';
// contract's reason for refusing it at execution (ledger/reasons.ts).

export function executionResult(r: Receipt): string {
  return r.status === ReceiptStatus.Applied ? '' : (Reason[r.reason] ?? `REASON_${r.reason}`);
}
