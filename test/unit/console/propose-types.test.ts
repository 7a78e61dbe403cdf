// The Governance page's action types beyond the administrators and sites' status: each built from the
// page's JSON equals what `bkdms gov propose <subcommand>` builds from the same input (one builder,
// api/gov-action-builders.ts), and each bad field is refused by name before anything is signed.
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerActionCommands } from '../../../cli/gov-actions.js';
import { registerXchainActionCommands } from '../../../cli/xchain-actions.js';
import type { GovernanceAction } from '../../../codec/types.js';
import { ConsoleError, ConsoleErrorCode } from '../../../console/errors.js';
import { proposalAction } from '../../../console/propose.js';
import { toHex } from '../../../crypto/bytes.js';
import { keyPair } from '../store/fixtures.js';

const k = (i: number): string => toHex(keyPair(i).publicKey);
const site = 'ab'.repeat(16);
const NOW = Date.UTC(2026, 11, 7, 12);

/** The action the CLI subcommand builds from `argv` (nothing is submitted). */
async function cli(argv: string[]): Promise<GovernanceAction> {
  let built: GovernanceAction | undefined;
  const parent = new Command('propose').exitOverride();
  const run = async (a: GovernanceAction): Promise<void> => {
    built = a;
  };
  registerActionCommands(parent, (c) => c.exitOverride(), run);
  registerXchainActionCommands(parent, (c) => c.exitOverride(), run);
  await parent.parseAsync(argv, { from: 'user' });
  if (built === undefined) throw new Error('the CLI built nothing');
  return built;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the page’s action types equal the CLI’s', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'registerSite',
      {
        type: 'registerSite',
        publicKey: k(7),
        country: 'CH',
        city: 'locode:CHGVA',
        siteId: '10.0.1.1',
        kpi: ['EN: EN: AQ: 2C', 'EN: EN: AQ: 1C', 'EN: EN: AQ: 1C'],
      },
      [
        'register-site',
        '--public-key',
        k(7),
        '--country',
        'CH',
        '--city',
        'locode:CHGVA',
        '--site-id',
        '10.0.1.1',
        '--kpi',
        'EN: EN: AQ: 2C',
        'EN: EN: AQ: 1C',
        'EN: EN: AQ: 1C',
      ],
    ],
    [
      'setParams',
      {
        type: 'setParams',
        params: {
          periodMs: 1000,
          maxBlockEnvelopes: 500,
          maxBlockBytes: 4_000_000,
          viewTimeoutMs: 3000,
          maxSeqGap: 100,
          maxEnvelopeFutureMs: 60_000,
          snapshotInterval: 50,
        },
        activateAt: 90,
      },
      [
        'set-params',
        '--period-ms',
        '1000',
        '--max-block-envelopes',
        '500',
        '--max-block-bytes',
        '4000000',
        '--view-timeout-ms',
        '3000',
        '--max-seq-gap',
        '100',
        '--max-envelope-future-ms',
        '60000',
        '--snapshot-interval',
        '50',
        '--activate-at',
        '90',
      ],
    ],
    [
      'rotateSiteKey',
      { type: 'rotateSiteKey', siteKeyId: site, newPublicKey: k(8) },
      ['rotate-site-key', site, '--new-public-key', k(8)],
    ],
    [
      'addScpKey',
      { type: 'addScpKey', publicKey: k(9), days: 30 },
      ['add-scp-key', '--public-key', k(9), '--days', '30'],
    ],
    ['retireScpKey', { type: 'retireScpKey', scpKeyId: site }, ['retire-scp-key', site]],
    [
      'recoverClient',
      { type: 'recoverClient', clientId: 3, substituteId: 4 },
      ['recover-client', '3', '--substitute', '4'],
    ],
    [
      'setAdmins',
      { type: 'setAdmins', admins: [k(1), k(2)], threshold: 2 },
      ['set-admins', '--admin', k(1), k(2), '--threshold', '2'],
    ],
    [
      'setValidators',
      { type: 'setValidators', validators: [k(3), k(4)], activateAt: 12 },
      ['set-validators', '--validator', k(3), k(4), '--activate-at', '12'],
    ],
    ['suspendSite', { type: 'suspendSite', siteKeyId: site }, ['suspend-site', site]],
  ];
  it.each(cases)('%s', async (_type, page, argv) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const fromCli = await cli(argv);
    const fromPage = proposalAction(page, NOW);
    expect(fromPage).toEqual(fromCli);
    expect(fromPage.type).toBe(page.type);
  });

  it('builds what the chain stores: KPI codes sorted and distinct, a site ID from its address', () => {
    const a = proposalAction({
      type: 'registerSite',
      publicKey: k(7),
      country: 756,
      city: 'locode:CHGVA',
      siteId: '10.0.1.1',
      kpi: ['EN: EN: AQ: 2C', 'EN: EN: AQ: 1C', 'EN: EN: AQ: 1C'],
    });
    if (a.type !== 'registerSite') throw new Error(a.type);
    expect(a.country).toBe(756);
    expect(a.kpiCodes).toHaveLength(2);
    expect([...a.kpiCodes].sort((x, y) => x - y)).toEqual(a.kpiCodes);
    expect(toHex(a.siteId)).toBe(`${'00'.repeat(10)}ffff0a000101`);
    const scp = proposalAction({ type: 'addScpKey', publicKey: k(9), days: 2 }, NOW);
    expect(scp.type === 'addScpKey' && [scp.notBefore, scp.notAfter]).toEqual([NOW, NOW + 2 * 86_400_000]);
  });
});

describe('each new type refuses a bad field by name', () => {
  const goodSite = {
    type: 'registerSite',
    publicKey: k(7),
    country: 'CH',
    city: 'locode:CHGVA',
    siteId: '10.0.1.1',
    kpi: ['EN: EN: AQ: 1C'],
  };
  const goodParams = {
    type: 'setParams',
    params: { periodMs: 1000, maxBlockEnvelopes: 500, maxBlockBytes: 4_000_000, viewTimeoutMs: 3000 },
    activateAt: 90,
  };
  const cases: [string, unknown, string][] = [
    ['an unknown country', { ...goodSite, country: 'XX' }, 'country'],
    ['a bad city', { ...goodSite, city: 'CHGVA' }, 'city'],
    ['a bad address', { ...goodSite, siteId: 'not-an-ip' }, 'siteId'],
    ['an unknown KPI', { ...goodSite, kpi: ['EN: EN: AQ: 1C', 'Happiness'] }, 'kpi[1]'],
    ['no KPI', { ...goodSite, kpi: [] }, 'kpi'],
    ['a short public key', { ...goodSite, publicKey: k(7).slice(2) }, 'publicKey'],
    ['a missing field', { ...goodSite, city: undefined }, 'city'],
    ['params not an object', { ...goodParams, params: 5 }, 'params'],
    ['a negative period', { ...goodParams, params: { ...goodParams.params, periodMs: -1 } }, 'periodMs'],
    ['an unknown parameter', { ...goodParams, params: { ...goodParams.params, x: 1 } }, 'x'],
    [
      'maxSeqGap without maxEnvelopeFutureMs',
      { ...goodParams, params: { ...goodParams.params, maxSeqGap: 5 } },
      'maxSeqGap',
    ],
    ['activateAt not an integer', { ...goodParams, activateAt: 'soon' }, 'activateAt'],
    ['a bad new key', { type: 'rotateSiteKey', siteKeyId: site, newPublicKey: 'zz' }, 'newPublicKey'],
    ['a bad site key ID', { type: 'rotateSiteKey', siteKeyId: 'ab', newPublicKey: k(1) }, 'siteKeyId'],
    ['zero days', { type: 'addScpKey', publicKey: k(9), days: 0 }, 'days'],
    ['a bad SCP key ID', { type: 'retireScpKey', scpKeyId: k(1) }, 'scpKeyId'],
    ['a client ID above 65535', { type: 'recoverClient', clientId: 70_000, substituteId: 1 }, 'clientId'],
    ['an unknown field', { type: 'retireScpKey', scpKeyId: site, extra: 1 }, 'extra'],
    ['a type the page does not build', { type: 'mintCoins' }, 'type'],
  ];
  it.each(cases)('%s', (_what, json, field) => {
    let err: unknown;
    try {
      proposalAction(json, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConsoleError);
    expect((err as ConsoleError).code).toBe(ConsoleErrorCode.BadRequest);
    expect((err as ConsoleError).meta.field).toBe(field);
    expect((err as ConsoleError).message).toContain(field);
  });
});
