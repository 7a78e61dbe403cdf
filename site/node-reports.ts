// Which node gave the site an answer it could not verify, so a lying or broken node is visible:
// each report is a warn log line naming the node, what was asked and the check that failed, and a
// per-node counter in the site's status (`unverified`, `lastUnverified`). The site never acts on
// such an answer; it asks the next node.
import type { Logger } from '../runtime/log.js';

export interface NodeReportStatus {
  /** Answers refused because they did not verify (no proof, bad proof, unproven claim), by node. */
  unverified: Record<string, number>;
  /** The last one: "<node> <what>: <check>", '' when none. */
  lastUnverified: string;
}

export class NodeReports {
  private readonly counts = new Map<string, number>();
  private last = '';

  constructor(private readonly log?: Logger) {}

  /** `what`: the read ("scpKeys", "site", "receipt", "validators"); `check`: why it was refused. */
  report(node: string, what: string, check: string, detail = ''): void {
    this.counts.set(node, (this.counts.get(node) ?? 0) + 1);
    this.last = `${node} ${what}: ${check}`;
    this.log?.warn(
      { node, read: what, check, ...(detail ? { detail } : {}) },
      'node answer did not verify; node skipped',
    );
  }

  snapshot(): NodeReportStatus {
    return { unverified: Object.fromEntries(this.counts), lastUnverified: this.last };
  }
}
