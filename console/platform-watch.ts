// The smart city platform as the console sees it through its query API (docs/platform.md): is it
// answering, how long it takes, and how far its extraction trails the chain. The API has no
// progress call, and KPI times say nothing of blocks, so progress is probed by packet: the
// platform extracts blocks in order, hence "has stored the first packet of block h" is true up to
// its extracted height and false above; a binary search over the recent blocks with envelopes
// finds that height in a few GET /v1/trace calls.
import type { BlockSummary } from './chain-view.js';

export interface PlatformView {
  url: string;
  up: boolean;
  readMs: number;
  error?: string;
  /** Newest recent block whose packets the platform holds (undefined: none of the recent ones). */
  extractedHeight?: number;
  /** Chain tip minus extractedHeight, blocks. */
  lagBlocks?: number;
}

export class PlatformWatch {
  readonly view: PlatformView;
  private readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/$/, '');
    this.view = { url: this.base, up: false, readMs: 0 };
  }

  private async has(code: string): Promise<boolean> {
    // A stored packet's answer carries its proof, which the platform asks the chain for: be patient.
    const res = await fetch(`${this.base}/v1/trace/${code}`, { signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    if (res.status === 404) return false;
    if (!res.ok) throw new Error(`answered ${res.status}`);
    return true;
  }

  async poll(blocks: readonly BlockSummary[]): Promise<void> {
    const started = Date.now();
    const withPackets = blocks.filter((b) => b.firstTracingCode !== undefined);
    const tip = blocks.at(-1)?.height ?? 0;
    try {
      // Largest i with has(withPackets[i]); -1 when none.
      let lo = -1;
      let hi = withPackets.length - 1;
      if (hi >= 0 && (await this.has(withPackets[hi]?.firstTracingCode as string))) lo = hi;
      else
        while (lo < hi - 1) {
          const mid = (lo + hi) >> 1;
          if (await this.has(withPackets[mid]?.firstTracingCode as string)) lo = mid;
          else hi = mid;
        }
      this.view.up = true;
      this.view.readMs = Date.now() - started;
      delete this.view.error;
      if (lo === withPackets.length - 1 && lo >= 0) {
        // Every recent packet is stored: the platform is at the tip (empty blocks carry nothing).
        this.view.extractedHeight = tip;
        this.view.lagBlocks = 0;
      } else if (lo >= 0) {
        this.view.extractedHeight = withPackets[lo]?.height as number;
        this.view.lagBlocks = tip - this.view.extractedHeight;
      } else {
        delete this.view.extractedHeight;
        delete this.view.lagBlocks;
      }
    } catch (err) {
      this.view.up = false;
      this.view.error = err instanceof Error ? err.message : String(err);
    }
  }
}
