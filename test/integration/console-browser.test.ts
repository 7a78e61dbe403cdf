// The console in a real headless browser against a real one-node cluster: the overview shows the
// chain and its height, the consensus page charts the node's view, and a trace verifies in the page; the same trace with one byte of a commit
// signature flipped on its way to the page fails at the certificate check (and only there), which
// shows the verdict is computed in the browser, not taken from the backend. With the cluster's
// administrator key, the Governance page's form registers a cross-chain counterparty from a genesis
// file read in the browser (the cluster's own chain stands in for the other one): the console
// fetches and verifies the header, and the page shows what it trusted.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../console/start.js';
import { toHex } from '../../crypto/bytes.js';
import { tracingCode } from '../../crypto/hash.js';
import { clusterAdminKey } from '../../devnet/layout.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

const webDir = join(import.meta.dirname, '..', '..', 'build', 'console', 'web');

let cluster: TestCluster;
let running: RunningConsole;
let browser: Browser;
let code: string;

beforeAll(async () => {
  cluster = await startTestCluster(1, 1);
  const env = syntheticEnvelope(cluster.sites[0]!, cluster.chainId, cluster.scp.publicKey, 1, Date.now());
  code = toHex(tracingCode(env));
  await cluster.client(0).upload(env);
  await waitForEnvelopes(cluster, 0, 1);
  running = await startConsole({
    rpc: cluster.rpc,
    mgmt: cluster.mgmt,
    genesis: cluster.layout.genesisPath,
    listen: '127.0.0.1:0',
    tls: () => ({ insecure: true }),
    webDir,
    pollMs: 300,
    adminKey: await clusterAdminKey(cluster.layout),
  });
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await cluster?.dispose();
});

describe('the console in a browser', () => {
  it('shows the overview and verifies a trace in the page; a tampered proof fails its check', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(running.url);
    // Locators, not a string predicate: the page's CSP forbids evaluating strings.
    await page.locator('#height .value', { hasText: /^[1-9]\d*$/ }).waitFor({ timeout: 30_000 });
    expect(await page.getAttribute('#chain-id .value span', 'title')).toBe(toHex(cluster.chainId));
    expect(await page.textContent('#nodes-up .value')).toBe('1 / 1');

    // The consensus page's view history: the node's view charted from its samples.
    await page.goto(`${running.url}#/consensus`);
    await page.locator('#view-history svg[aria-label^="view "]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#view-history tbody tr').first().textContent()).toContain('node 0');

    await page.goto(`${running.url}#/trace/${code}`);
    await page.waitForSelector('#verdict', { timeout: 30_000 });
    expect(await page.textContent('#verdict')).toContain('VERIFIED in this browser');
    expect(await page.textContent('[data-step="certificate"]')).toContain('passed');

    // One bit of the last commit signature flipped between the backend and the page.
    await page.route('**/api/trace/**', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { bundle: { certificate: string } };
      const cert = body.bundle.certificate;
      const last = Number.parseInt(cert.slice(-2), 16) ^ 1;
      body.bundle.certificate = cert.slice(0, -2) + last.toString(16).padStart(2, '0');
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    await page.waitForSelector('#verdict', { timeout: 30_000 });
    expect(await page.textContent('#verdict')).toContain('NOT VERIFIED: BAD_CERTIFICATE');
    expect(await page.textContent('[data-step="inclusion"]')).toContain('passed');
    expect(await page.textContent('[data-step="certificate"]')).toContain('failed');
    expect(errors).toEqual([]);
  }, 90_000);

  it('registers a counterparty from a genesis file read in the page', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${running.url}#/governance`);
    await page.selectOption('#gov-propose-type', 'registerCounterparty');
    await page.locator('#gov-propose-genesis-row').waitFor({ state: 'visible' });
    await page.setInputFiles('#gov-propose-genesis', cluster.layout.genesisPath);
    await page.locator('#gov-note', { hasText: 'genesis read from' }).waitFor({ timeout: 10_000 });
    const action = JSON.parse(await page.inputValue('#gov-propose-action')) as Record<string, unknown>;
    expect((action.genesis as { chainName?: string }).chainName).toBeTypeOf('string');
    action.remoteRpc = cluster.rpc[0];
    action.relayers = [toHex(new Uint8Array(32).fill(7))];
    action.clientId = 9;
    await page.fill('#gov-propose-action', JSON.stringify(action));
    await page.click('#gov-propose');
    const note = page.locator('#gov-note', { hasText: 'committed at height' });
    await note.waitFor({ timeout: 60_000 });
    const text = await note.textContent();
    expect(text).toContain('trusted header');
    expect(text).toContain(toHex(cluster.chainId).slice(0, 16));
    expect(errors).toEqual([]);
  }, 90_000);
});
