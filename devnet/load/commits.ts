// Follows one node's certified blocks (SubscribeBlocks) and stamps the commit time of every
// envelope of the load it recognizes: commit time is when the block reached the driver.
import type { BkdmsClient } from '../../api/client.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { tracingCode } from '../../crypto/hash.js';
import { tcKey } from './generate.js';

export class CommitTracker {
  /** Commit time per envelope index (ms since the driver's epoch), NaN until committed. */
  readonly commitAt: Float64Array;
  committed = 0;
  blocks = 0;
  private readonly ac = new AbortController();
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly byTracingCode: ReadonlyMap<string, number>,
    private readonly clock: () => number,
  ) {
    this.commitAt = new Float64Array(byTracingCode.size).fill(Number.NaN);
  }

  /** Starts following `client` from `fromHeight`. */
  follow(client: BkdmsClient, fromHeight: number): void {
    this.done = (async () => {
      try {
        for await (const ev of client.subscribeBlocks(fromHeight, this.ac.signal))
          this.onBlock(ev.certifiedBlock);
      } catch (err) {
        if (!this.ac.signal.aborted) throw err;
      }
    })();
  }

  private onBlock(bytes: Uint8Array): void {
    const at = this.clock();
    this.blocks++;
    for (const env of decodeCertifiedBlock(bytes).block.envelopes) {
      const i = this.byTracingCode.get(tcKey(tracingCode(env)));
      if (i === undefined || !Number.isNaN(this.commitAt[i]!)) continue;
      this.commitAt[i] = at;
      this.committed++;
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.done;
  }
}
