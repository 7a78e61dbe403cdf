// The browser tour that takes the console's screenshots (docs/console/*.png): headless Chromium
// (test/support/browser.ts) over a running console, each page waited for until it shows its data,
// then saved. Run it while `npm start` runs, with the address the demo prints:
//   npx vite-node test/support/console-tour.ts http://127.0.0.1:8080/ [docs/console] [page,page…]
// Pages: overview nodes consensus blocks block trace alarms governance logs kpi (default: all).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, openPage } from './browser.js';

interface Stop {
  /** What to open (the hash of the page), or a step that gets there from the overview. */
  open: string | ((page: Page, url: string) => Promise<void>);
  /** What the page shows once it has its data. */
  ready: string;
}

const TIMEOUT = 60_000;

const TOUR: Record<string, Stop> = {
  overview: { open: '#/overview', ready: '#overview-cards .card' },
  nodes: { open: '#/nodes', ready: '#node-table .sparks svg' },
  consensus: { open: '#/consensus', ready: '#votes' },
  blocks: { open: '#/blocks', ready: '#block-list' },
  block: {
    open: async (page, url) => {
      await page.goto(`${url}#/blocks`);
      await page.locator('#block-list tbody tr a').first().click();
    },
    ready: '#block-header',
  },
  trace: {
    open: async (page, url) => {
      await page.goto(`${url}#/blocks`);
      // The newest block that carries an envelope, then its first envelope's trace.
      const rows = page.locator('#block-list tbody tr');
      await rows.first().waitFor({ timeout: TIMEOUT });
      const count = await rows.count();
      for (let i = 0; i < count; i++) {
        if ((await rows.nth(i).locator('td').nth(5).textContent()) === '0') continue;
        await rows.nth(i).locator('a').first().click();
        break;
      }
      await page.locator('#block-header').waitFor({ timeout: TIMEOUT });
      await page.locator('a[href^="#/trace/"]').first().click();
    },
    ready: '#verdict',
  },
  alarms: { open: '#/alarms', ready: '#app h3' },
  governance: { open: '#/governance', ready: '#gov-admins' },
  logs: { open: '#/logs/?level=info&sinceMs=3600000', ready: '#log-table' },
  kpi: {
    open: async (page, url) => {
      await page.goto(`${url}#/kpi`);
      await page.locator('select[name=city] option').first().waitFor({ state: 'attached', timeout: TIMEOUT });
      await page.locator('#kpi-filter button[type=submit]').click();
    },
    ready: '#kpi-chart .uplot',
  },
};

async function tour(url: string, dir: string, names: string[]): Promise<void> {
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPage(browser);
    await page.setViewportSize({ width: 1280, height: 900 });
    for (const name of names) {
      const stop = TOUR[name];
      if (stop === undefined) throw new Error(`no page ${name}: ${Object.keys(TOUR).join(', ')}`);
      if (typeof stop.open === 'string') await page.goto(`${url}${stop.open}`);
      else await stop.open(page, url);
      await page.locator(stop.ready).first().waitFor({ timeout: TIMEOUT });
      const file = join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`${name}: ${file}`);
    }
    if (errors.length > 0) throw new Error(`the pages logged errors:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
  }
}

const [url, dir = 'docs/console', pages] = process.argv.slice(2);
if (url === undefined) {
  console.error('usage: console-tour.ts <console URL> [out dir] [page,page…]');
  process.exit(2);
}
await tour(url.endsWith('/') ? url : `${url}/`, dir, pages ? pages.split(',') : Object.keys(TOUR));
