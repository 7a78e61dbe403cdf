// The console in a real headless browser against a real 4-node cluster (npm run test:long): every
// page loads without a console error, the overview's height advances live, a killed node shows
// down on the nodes page and in the overview's count, and a block found by searching its height
// lists the envelope a trace then verifies.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../console/start.js';
import { toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

const webDir = join(import.meta.dirname, '..', '..', 'build', 'console', 'web');

let cluster: TestCluster;
let running: RunningConsole;
let browser: Browser;
let code: string;
let height: number;

beforeAll(async () => {
  cluster = await startTestCluster(4, 1);
  const env = syntheticEnvelope(cluster.sites[0]!, cluster.chainId, cluster.scp.publicKey, 1, Date.now());
  code = toHex(tracingCode(env));
  await cluster.client(0).upload(env);
  height = await waitForEnvelopes(cluster, 0, 1);
  running = await startConsole({
    rpc: cluster.rpc,
    mgmt: cluster.mgmt,
    genesis: cluster.layout.genesisPath,
    listen: '127.0.0.1:0',
    tls: () => ({ insecure: true }),
    webDir,
    pollMs: 300,
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await cluster?.dispose();
});

describe('console pages on a 4-node cluster', () => {
  it('loads every page without a console error', async () => {
    const { page, errors } = await openPage(browser);
    const pages: [string, string][] = [
      ['#/overview', '#overview-cards .card'],
      ['#/nodes', '#link-matrix'],
      ['#/consensus', '#votes'],
      ['#/blocks', '#block-list'],
      [`#/blocks/${height}`, '#block-header'],
      [`#/trace/${code}`, '#verdict'],
      ['#/alarms', '#app h3'],
    ];
    for (const [hash, selector] of pages) {
      await page.goto(`${running.url}${hash}`);
      await page.waitForSelector(selector, { timeout: 30_000 });
    }
    expect(await page.textContent('body')).toBeTruthy();
    expect(errors).toEqual([]);
  }, 180_000);

  it('finds a block by height and its envelope verifies from there', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${running.url}#/blocks`);
    await page.fill('input[name=q]', String(height));
    await page.click('button[type=submit]');
    await page.waitForSelector('#block-header', { timeout: 30_000 });
    await page.click(`a[href="#/trace/${code}"]`);
    await page.waitForSelector('#verdict', { timeout: 30_000 });
    expect(await page.textContent('#verdict')).toContain('VERIFIED in this browser');
  }, 120_000);

  it('shows a killed node down', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${running.url}#/nodes`);
    await page.waitForSelector('#node-table', { timeout: 30_000 });
    cluster.procs[3]!.child.kill('SIGKILL');
    await page.locator('#node-table tbody tr:nth-child(4)', { hasText: 'down' }).waitFor({ timeout: 60_000 });
    await page.goto(`${running.url}#/overview`);
    await page.locator('#nodes-up .value', { hasText: '3 / 4' }).waitFor({ timeout: 30_000 });
  }, 120_000);
});
