// Helpers of the end-to-end tests that run live sites: a sensor feeding a JSON Lines source one
// reading per processing period, the config of a site following such a feed against a local
// cluster, and a wait on a condition over counters the site exposes.
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseSiteConfig, type SiteConfig } from '../../site/config.js';

/** A sensor: appends one PM2.5 reading per processing period to a JSON Lines file, values 1, 2, 3... */
export class Feed {
  readonly values: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly periodMs: number,
  ) {
    writeFileSync(path, '');
  }

  start(): void {
    // Each reading is stamped in the middle of the next period, so even a late timer never puts
    // two readings in one period (they would be consolidated into one value).
    const at = (Math.floor(Date.now() / this.periodMs) + 1) * this.periodMs + this.periodMs / 2;
    this.timer = setTimeout(() => {
      const value = this.values.length + 1;
      const time = new Date(at).toISOString();
      appendFileSync(
        this.path,
        `${JSON.stringify({ kpi: 'EN: EN: AQ: 1C', series: 'PM2.5', value, unit: 'µg/m³', time })}\n`,
      );
      this.values.push(value);
      this.start();
    }, at - Date.now());
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * Resolves when `pred` holds, rejects after `ms`. Sites expose counters, not events, so the
 * condition is re-checked every 50 ms.
 */
export function until(what: string, pred: () => boolean, ms = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const t = setInterval(() => {
      if (pred()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() - started > ms) {
        clearInterval(t);
        reject(new Error(`timed out waiting for: ${what}`));
      }
    }, 50);
  });
}

export interface LiveSiteSpec {
  name: string;
  dataDir: string;
  keystorePath: string;
  passphraseFile: string;
  siteId: string;
  endpoints: string[];
  /** The chain's genesis file: the site's only trust anchor. */
  genesisPath: string;
  /** The JSON Lines file a Feed writes. */
  feedPath: string;
  periodMs: number;
}

/** A Geneva site reading its feed as it grows, with short timers for tests (plaintext loopback). */
export function liveSiteConfig(s: LiveSiteSpec): SiteConfig {
  return parseSiteConfig({
    name: s.name,
    dataDir: s.dataDir,
    keystore: { path: s.keystorePath, passphraseFile: s.passphraseFile },
    identity: { country: 756, city: 'locode:CHGVA', siteId: s.siteId },
    chain: { endpoints: s.endpoints, genesis: s.genesisPath, insecure: true, deadlineMs: 2_000 },
    sources: [{ type: 'jsonl', name: 'sensor', path: s.feedPath, follow: true, pollMs: 100 }],
    periodMs: s.periodMs,
    closeAfterMs: 1_000,
    sealEveryMs: 100,
    progressMs: 0,
    upload: {
      maxBatch: 16,
      receiptPollMs: 200,
      maxReceiptsPerStep: 64,
      backoff: { baseMs: 100, maxMs: 1_000, jitter: 0.5 },
    },
  });
}
