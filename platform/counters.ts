// Running totals of what the extractor did, and the one-line progress view of them that
// `bkdms platform run` prints on a terminal.
import type { BlockSummary } from './extractor.js';

export interface PlatformCounters {
  height: number;
  packets: number;
  decrypted: number;
  /** Unusable packets by PacketFailure reason. */
  failures: Record<string, number>;
  contractCalls: number;
}

export function emptyCounters(height: number): PlatformCounters {
  return { height, packets: 0, decrypted: 0, failures: {}, contractCalls: 0 };
}

export function addSummary(c: PlatformCounters, s: BlockSummary): void {
  c.height = s.height;
  c.packets += s.packets;
  c.decrypted += s.decrypted;
  c.contractCalls += s.contractCalls;
  for (const [r, n] of Object.entries(s.failures)) c.failures[r] = (c.failures[r] ?? 0) + n;
}

/** "platform: height 42, packets 120 (decrypted 118, failed 2: DECRYPT_FAILED 1, UNKNOWN_SITE 1), calls 3". */
export function progressLine(c: PlatformCounters): string {
  const failed = Object.values(c.failures).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(c.failures)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  const detail = failed === 0 ? '' : `: ${reasons}`;
  return `platform: height ${c.height}, packets ${c.packets} (decrypted ${c.decrypted}, failed ${failed}${detail}), calls ${c.contractCalls}`;
}
