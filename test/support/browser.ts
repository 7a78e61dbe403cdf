// Headless Chromium for the console's browser tests: Debian's chromium package (installed by
// .ci/ensure-chromium.sh, never downloaded), driven by playwright-core. Page errors and console
// errors are collected, so a test can assert a page loaded cleanly.
import { execFileSync } from 'node:child_process';
import { type Browser, chromium, type Page } from 'playwright-core';

export function chromiumPath(): string {
  if (process.env.BKDMS_CHROMIUM) return process.env.BKDMS_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('no chromium: run .ci/ensure-chromium.sh (npm test does) or set BKDMS_CHROMIUM');
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // No sandbox: CI runs the tests as root, where Chromium's sandbox refuses to start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

export interface WatchedPage {
  page: Page;
  errors: string[];
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console error: ${msg.text()}`);
  });
  return { page, errors };
}
