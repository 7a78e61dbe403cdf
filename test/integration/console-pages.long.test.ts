// The console in a real headless browser against a real 4-node cluster (npm run test:long): every
// page loads without a console error, the overview's height advances live, a killed node shows
// down on the nodes page and in the overview's count, and a block found by searching its height
// lists the envelope a trace then verifies. The console holds the cluster's administrator key: the
// Governance page shows every item proven against the console's genesis, a proposal made on it
// appears open with its approval, a proposal another admin opened is approved from it (re-proven
// before signing) and executes, the alarm the
// killed node raises is acknowledged from the Alarms page, and that shows in the Logs page's audit
// lines.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../console/start.js';
import { toHex } from '../../crypto/bytes.js';
import { type Ed25519KeyPair, generateEd25519 } from '../../crypto/ed25519.js';
import { tracingCode } from '../../crypto/hash.js';
import { clusterAdminKey } from '../../devnet/layout.js';
import { Admin } from '../../platform/admin.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

const webDir = join(import.meta.dirname, '..', '..', 'build', 'console', 'web');

let cluster: TestCluster;
let running: RunningConsole;
let browser: Browser;
let code: string;
let height: number;
let admin: Ed25519KeyPair;
/** The last sequence number site 0 used. */
let seq = 1;

/** Site 0's next envelope, uploaded: what makes the chain cut a block. */
async function uploadNext(): Promise<Uint8Array> {
  seq++;
  const env = syntheticEnvelope(cluster.sites[0]!, cluster.chainId, cluster.scp.publicKey, seq, Date.now());
  await cluster.client(0).upload(env);
  return env;
}

beforeAll(async () => {
  // Peer alarms without their hold time, so the killed node's alarm is there to acknowledge at once.
  cluster = await startTestCluster(4, 1, {
    alarms: { evaluateMs: 200, holdMs: { 'peer-unreachable': 0, 'quorum-at-risk': 0 } },
  });
  admin = await clusterAdminKey(cluster.layout);
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
    adminKey: admin,
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
      ['#/governance', '#gov-admins'],
      ['#/logs', '#log-filter'],
      ['#/kpi', '#app .error'],
      ['#/nodes', '#node-table .sparks svg'],
    ];
    for (const [hash, selector] of pages) {
      await page.goto(`${running.url}${hash}`);
      await page.waitForSelector(selector, { timeout: 30_000 });
    }
    expect(await page.textContent('body')).toBeTruthy();
    await page.goto(`${running.url}#/kpi`);
    expect(await page.textContent('#app .error')).toContain('--platform');
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

  it('proves the governance page, proposes from it, and approves a proposal another admin opened', async () => {
    // A second admin and a threshold of 2 (executes at once: the threshold is 1 until then)...
    const second = generateEd25519();
    const chainId = cluster.chainId;
    const first = new Admin(cluster.client(0), { chainId, key: admin });
    await first.propose({ type: 'setAdmins', admins: [admin.publicKey, second.publicKey], threshold: 2 });
    // ...who proposes going back to 1: open until the console's key approves it.
    const other = new Admin(cluster.client(0), { chainId, key: second });
    const { tracingCode: id } = await other.propose({
      type: 'setAdmins',
      admins: [admin.publicKey, second.publicKey],
      threshold: 1,
    });
    const { page, errors } = await openPage(browser);
    await page.goto(`${running.url}#/governance`);
    await page.waitForSelector('#gov-admins', { timeout: 30_000 });
    expect(await page.textContent('#gov-mode')).toContain('Acting as administrator');
    expect(await page.locator('#gov-admins tbody tr').count()).toBe(2);
    expect(await page.locator('#gov-validators tbody tr').first().textContent()).toContain('(in force)');
    expect(await page.locator('#gov-sites tbody tr').count()).toBe(1);
    // Every item proven against the console's genesis.
    for (const item of ['admins', 'validators', 'params', 'open', 'closed'])
      expect(await page.getAttribute(`#gov-proof-${item}`, 'data-proof')).toBe('proven');
    expect(await page.locator('#gov-sites tbody tr').first().locator('td').last().textContent()).toBe(
      'proven',
    );
    // A proposal made on the page (the template: the admins in force, threshold 2) appears open
    // with its one approval.
    await page.selectOption('#gov-propose-type', 'setAdmins');
    await page.click('#gov-propose');
    await page.locator('#gov-note', { hasText: 'committed at height' }).waitFor({ timeout: 60_000 });
    // The state a header proves is the one before its block: the proposal shows once a block
    // after it is certified, and blocks are cut only for envelopes.
    await uploadNext();
    await page.locator('#gov-open tbody tr').nth(1).waitFor({ timeout: 30_000 });
    const made = page
      .locator('#gov-open tbody tr')
      .filter({ hasNot: page.locator(`[data-proposal="${id}"]`) });
    expect(await made.textContent()).toContain('1 (1 more needed)');
    await page.click(`button[data-proposal="${id}"]`);
    await page.locator('#gov-note', { hasText: 'proven by node' }).waitFor({ timeout: 60_000 });
    await uploadNext();
    await page.locator('#gov-closed tbody tr', { hasText: 'executed' }).first().waitFor({ timeout: 30_000 });
    await page.locator(`button[data-proposal="${id}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    expect(await page.locator('#gov-open tbody tr').count()).toBe(1);
    expect(errors).toEqual([]);
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

  it('acknowledges the alarm the dead node raised, and the node audits it', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${running.url}#/alarms`);
    // One of node 0's (the killed node's own list is stale: the console cannot read it).
    const button = page
      .locator('#alarm-table tr', { hasText: 'node 0' })
      .locator('button[data-alarm]')
      .first();
    await button.waitFor({ timeout: 60_000 });
    const id = await button.getAttribute('data-alarm');
    await button.click();
    await page.locator('#alarm-note', { hasText: 'acknowledged by key:' }).waitFor({ timeout: 30_000 });
    await page
      .locator('#alarm-table tr', { hasText: `${id}` })
      .filter({ hasText: 'acknowledged' })
      .first()
      .waitFor({
        timeout: 30_000,
      });
    await page.goto(`${running.url}#/logs/?node=0&type=audit&text=alarm`);
    await page.locator('#log-table', { hasText: 'alarm' }).waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
  }, 120_000);

  it('verifies a trace certified by a validator set governance changed, following the change', async () => {
    // The three nodes left become the validator set a few blocks ahead...
    const first = new Admin(cluster.client(0), { chainId: cluster.chainId, key: admin });
    // Blocks are cut only for envelopes: the proposal commits at height + 1, the set changes at + 4.
    const activateAt = (await cluster.client(0).getStatus()).height + 4;
    await first.propose({
      type: 'setValidators',
      validators: cluster.validators.slice(0, 3).map((publicKey) => ({ publicKey })),
      activateAt,
    });
    // ...and envelopes committed until one is in a block the new set certified: the genesis set
    // alone no longer verifies it.
    let env = await uploadNext();
    for (let i = 0; i < 18; i++) {
      if ((await first.waitReceipt(tracingCode(env))).height >= activateAt) break;
      env = await uploadNext();
    }
    expect((await first.waitReceipt(tracingCode(env))).height).toBeGreaterThanOrEqual(activateAt);
    const { page, errors } = await openPage(browser);
    await page.goto(`${running.url}#/trace/${toHex(tracingCode(env))}`);
    await page.waitForSelector('#verdict', { timeout: 30_000 });
    expect(await page.textContent('#verdict')).toContain('VERIFIED in this browser');
    expect(await page.textContent('#followed')).toContain(
      `followed 1 validator-set change(s), activating at ${activateAt}`,
    );
    expect(errors).toEqual([]);
  }, 120_000);
});
