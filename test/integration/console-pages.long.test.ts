// The console in a real headless browser against a real 4-node cluster (npm run test:long): every
// page loads without a console error, the overview's height advances live, a killed node shows
// down on the nodes page and in the overview's count, and a block found by searching its height
// lists the envelope a trace then verifies. The console holds the cluster's administrator key: the
// Governance page shows every item proven against the console's genesis, a proposal made on it
// appears open with its approval, a proposal another admin opened is approved from it (re-proven
// before signing) and executes, the alarm the
// killed node raises is acknowledged from the Alarms page, and that shows in the Logs page's audit
// lines. A real `bkdms platform run` follows the cluster: the KPI page charts as many points as the
// platform's query API holds for the city and KPI, and shows its quality table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../console/start.js';
import { toHex } from '../../crypto/bytes.js';
import { type Ed25519KeyPair, generateEd25519 } from '../../crypto/ed25519.js';
import { tracingCode } from '../../crypto/hash.js';
import { x25519Of } from '../../crypto/key-formats.js';
import { generateKeystore } from '../../crypto/keystore.js';
import { clusterAdminKey, clusterPassphrase } from '../../devnet/layout.js';
import { Admin } from '../../platform/admin.js';
import { syntheticEnvelope } from '../../testkit/envelopes.js';
import { launchBrowser, openPage } from '../support/browser.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';
import { PlatformProcess } from '../support/platform-process.js';

const webDir = join(import.meta.dirname, '..', '..', 'build', 'console', 'web');

let cluster: TestCluster;
let platform: PlatformProcess;
const platformDir = mkdtempSync(join(tmpdir(), 'bkdms-console-platform-'));
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
  // The platform's own SCP keystore, registered in the cluster's genesis, so it opens what sites seal.
  const scpKeystore = join(platformDir, 'scp.key');
  const scp = x25519Of(await generateKeystore(scpKeystore, 'x25519', clusterPassphrase(platformDir)));
  cluster = await startTestCluster(4, 1, {
    alarms: { evaluateMs: 200, holdMs: { 'peer-unreachable': 0, 'quorum-at-risk': 0 } },
    scp,
  });
  admin = await clusterAdminKey(cluster.layout);
  const env = syntheticEnvelope(cluster.sites[0]!, cluster.chainId, cluster.scp.publicKey, 1, Date.now());
  code = toHex(tracingCode(env));
  await cluster.client(0).upload(env);
  height = await waitForEnvelopes(cluster, 0, 1);
  platform = await PlatformProcess.start({
    dir: platformDir,
    genesis: cluster.layout.genesisPath,
    rpc: cluster.rpc,
    scpKeystore,
    passphraseFile: join(platformDir, 'passphrase'),
  });
  running = await startConsole({
    rpc: cluster.rpc,
    mgmt: cluster.mgmt,
    genesis: cluster.layout.genesisPath,
    listen: '127.0.0.1:0',
    tls: () => ({ insecure: true }),
    webDir,
    pollMs: 300,
    adminKey: admin,
    platform: platform.apiUrl,
  });
  browser = await launchBrowser();
  // A cluster, and the platform's first embedded PostgreSQL start: minutes on a loaded machine.
}, 360_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await platform?.stop();
  await cluster?.dispose();
  rmSync(platformDir, { recursive: true, force: true });
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
      ['#/kpi', '#kpi-chart[data-points]'],
      ['#/nodes', '#node-table .sparks svg'],
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

  it('charts the KPI values the platform extracted, and its quality table', async () => {
    // A few more readings, and the platform caught up with the block holding the last of them.
    for (let i = 0; i < 4; i++) await uploadNext();
    const last = await waitForEnvelopes(cluster, 0, seq);
    await platform.reach(last);
    const site = cluster.sites[0]!;
    const city = site.city.code;
    const from = Date.now() - 3_600_000;
    const fromPlatform = (await (
      await fetch(`${platform.apiUrl}/v1/values?city=${city}&kpi=21101&from=${from}&limit=1000`)
    ).json()) as { values: { site: string; series: number; value: number }[] };
    // Every reading carries two series of air pollution (testkit/envelopes.ts).
    expect(fromPlatform.values.length).toBe(2 * seq);
    const { page, errors } = await openPage(browser);
    await page.goto(`${running.url}#/kpi/?city=${city}&kpi=21101&sinceMs=3600000`);
    await page.waitForSelector('#kpi-chart[data-points] canvas', { timeout: 30_000 });
    expect(Number(await page.getAttribute('#kpi-chart', 'data-points'))).toBe(fromPlatform.values.length);
    expect(await page.textContent('#kpi-info')).toContain(`${fromPlatform.values.length} values`);
    expect(await page.textContent('#kpi-chart .u-title')).toBe('Air pollution');
    await page.waitForSelector('#kpi-quality tbody tr', { timeout: 30_000 });
    const series = new Set(fromPlatform.values.map((v) => `${v.site}/${v.series}`));
    expect(await page.locator('#kpi-quality tbody tr').count()).toBe(series.size);
    const row = page.locator('#kpi-quality tbody tr').first();
    expect(await row.locator('td').first().textContent()).toBe(site.address);
    expect(Number(await row.locator('td').nth(2).textContent())).toBeGreaterThan(0);
    if (process.env.BKDMS_CONSOLE_SHOTS)
      await page.screenshot({ path: join(process.env.BKDMS_CONSOLE_SHOTS, 'kpi.png'), fullPage: true });
    expect(errors).toEqual([]);
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
    // A proposal made on the page (the template: the chain parameters in force, from 20 blocks
    // ahead) appears open with its one approval; its receipt is proven by a node's trace.
    await page.selectOption('#gov-propose-type', 'setParams');
    expect(await page.inputValue('#gov-propose-action')).toContain('"periodMs": 200');
    await page.click('#gov-propose');
    await page.locator('#gov-note', { hasText: 'committed at height' }).waitFor({ timeout: 60_000 });
    expect(await page.getAttribute('#gov-receipt', 'data-receipt')).toBe('proven');
    expect(await page.textContent('#gov-receipt')).toContain('confirmed (proven)');
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
    expect(await page.getAttribute('#gov-receipt', 'data-receipt')).toBe('proven');
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
