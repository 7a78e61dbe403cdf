// The smart city platform as the console sees it through its query API (docs/platform.md): is it
// answering, how long it takes, and how far its extraction trails the chain. The API has no
// status call; the newest height among the latest values of the cities the console has seen is
// the platform's extracted height as far as the data shows it.
export interface PlatformView {
  url: string;
  up: boolean;
  readMs: number;
  error?: string;
  /** Highest block height among the values the platform returned last. */
  extractedHeight?: number;
  /** Chain tip minus extractedHeight, blocks. */
  lagBlocks?: number;
}

interface ValuesPage {
  values?: { height?: number }[];
}

export class PlatformWatch {
  readonly view: PlatformView;

  constructor(private readonly url: string) {
    this.view = { url, up: false, readMs: 0 };
  }

  async poll(chainTip: number): Promise<void> {
    const started = Date.now();
    try {
      // Values come in (time, height) order: the newest time window's page holds the newest heights.
      const from = new Date(Date.now() - 24 * 3600_000).toISOString();
      const res = await fetch(
        `${this.url.replace(/\/$/, '')}/v1/values?from=${encodeURIComponent(from)}&limit=1000`,
        {
          signal: AbortSignal.timeout(3_000),
        },
      );
      if (!res.ok) throw new Error(`answered ${res.status}`);
      const page = (await res.json()) as ValuesPage;
      this.view.up = true;
      this.view.readMs = Date.now() - started;
      delete this.view.error;
      const heights = (page.values ?? []).map((i) => i.height ?? 0);
      if (heights.length > 0) {
        const h = Math.max(...heights);
        this.view.extractedHeight = Math.max(h, this.view.extractedHeight ?? 0);
        this.view.lagBlocks = Math.max(0, chainTip - this.view.extractedHeight);
      }
    } catch (err) {
      this.view.up = false;
      this.view.error = err instanceof Error ? err.message : String(err);
    }
  }
}
