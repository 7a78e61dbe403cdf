// The audit stream's lines for admission over RPC (docs/operations.md, "Log management"): who
// (the caller's address) had which envelopes refused and why, and every governance submission.
// One line per call, not per envelope, so a flood of refused uploads costs one line per batch; a
// batch's first tracing codes are named, the rest counted.
import { type UploadResult, UploadStatus } from '../../api/types.js';
import type { Logger } from '../../runtime/log.js';
import { NodeErrorCode } from '../errors.js';
import { hex } from './admission.js';

/** Tracing codes named per line; the rest of a batch is counted. */
export const AUDIT_CODES_PER_LINE = 10;

/**
 * Refusals that say the node is busy, not that the caller did something wrong: load, counted in
 * the metrics (`bkdms_envelopes_rejected_total{reason}`), not audited, so a load peak does not
 * flood the audit stream.
 */
const LOAD = new Set<string>([NodeErrorCode.MempoolFull]);

export function auditUploads(log: Logger, peer: string, results: readonly UploadResult[]): void {
  const refused = results.filter((r) => r.status === UploadStatus.Rejected && !LOAD.has(r.reason));
  if (refused.length === 0) return;
  const reasons: Record<string, number> = {};
  for (const r of refused) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  log.info(
    {
      event: 'admission.refused',
      peer,
      envelopes: results.length,
      refused: refused.length,
      reasons,
      tracingCodes: refused.slice(0, AUDIT_CODES_PER_LINE).map((r) => hex(r.tracingCode)),
    },
    'uploads refused',
  );
}

export function auditGovernance(log: Logger, peer: string, r: UploadResult): void {
  log.info(
    {
      event: 'governance.submitted',
      peer,
      tracingCode: hex(r.tracingCode),
      status: UploadStatus[r.status],
      reason: r.reason,
    },
    r.status === UploadStatus.Rejected ? 'governance call refused' : 'governance call admitted',
  );
}
