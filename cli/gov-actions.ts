// The governance actions as CLI subcommands, defined once and registered under both
// `bkdms gov propose …` and `bkdms platform admin …` (its older home). Each subcommand parses its
// flags into a GovernanceAction; what happens next (which key signs, which node takes it) is the
// caller's `run`.
import type { Command } from 'commander';
import type { ChainParams, GovernanceAction } from '../codec/types.js';
import { findKpi } from '../kpi/catalogue.js';
import { parseCityCode } from '../kpi/city.js';
import { findCountry } from '../kpi/countries.js';
import { parseSiteId } from '../kpi/site-id.js';
import { unhex } from '../platform/hex.js';

/** Adds the flags every action subcommand of the caller needs (--config, or --key and --rpc). */
export type Decorate = (c: Command) => Command;
/** Submits the action; `o` is the subcommand's parsed options. */
export type RunAction = (action: GovernanceAction, o: Record<string, unknown>) => Promise<void>;

const hexBytes = (s: string, n: number, what: string): Uint8Array => unhex(s, n, what);
const int = (s: string, what: string): number => {
  if (!/^\d+$/.test(s)) throw new Error(`${what}: not a non-negative integer: ${s}`);
  return Number(s);
};

interface SiteFlags {
  publicKey: string;
  country: string;
  city: string;
  siteId: string;
  kpi: string[];
}

interface ParamsFlags {
  periodMs: string;
  maxBlockEnvelopes: string;
  maxBlockBytes: string;
  viewTimeoutMs: string;
  maxSeqGap?: string;
  maxEnvelopeFutureMs?: string;
  snapshotInterval?: string;
  activateAt: string;
}

function registerSiteAction(o: SiteFlags): GovernanceAction {
  const country = findCountry(/^\d+$/.test(o.country) ? Number(o.country) : o.country);
  if (country === undefined) throw new Error(`unknown country ${o.country}`);
  const kpiCodes = o.kpi.map((k) => {
    const def = findKpi(/^\d+$/.test(k) ? Number(k) : k);
    if (def === undefined) throw new Error(`unknown KPI ${k}`);
    return def.wire;
  });
  return {
    type: 'registerSite',
    publicKey: hexBytes(o.publicKey, 32, 'public key'),
    country: country.numeric,
    city: parseCityCode(o.city),
    siteId: parseSiteId(o.siteId),
    kpiCodes: [...new Set(kpiCodes)].sort((a, b) => a - b),
  };
}

function paramsAction(o: ParamsFlags): GovernanceAction {
  const params: ChainParams = {
    periodMs: int(o.periodMs, '--period-ms'),
    maxBlockEnvelopes: int(o.maxBlockEnvelopes, '--max-block-envelopes'),
    maxBlockBytes: int(o.maxBlockBytes, '--max-block-bytes'),
    viewTimeoutMs: int(o.viewTimeoutMs, '--view-timeout-ms'),
  };
  if ((o.maxSeqGap === undefined) !== (o.maxEnvelopeFutureMs === undefined))
    throw new Error('--max-seq-gap and --max-envelope-future-ms go together');
  if (o.maxSeqGap !== undefined && o.maxEnvelopeFutureMs !== undefined) {
    params.maxSeqGap = int(o.maxSeqGap, '--max-seq-gap');
    params.maxEnvelopeFutureMs = int(o.maxEnvelopeFutureMs, '--max-envelope-future-ms');
  }
  if (o.snapshotInterval !== undefined)
    params.snapshotInterval = int(o.snapshotInterval, '--snapshot-interval');
  return { type: 'setParams', params, activateAt: int(o.activateAt, '--activate-at') };
}

/** Registers one subcommand per governance action under `parent`. */
export function registerActionCommands(parent: Command, decorate: Decorate, run: RunAction): void {
  const add = (name: string, description: string): Command =>
    decorate(parent.command(name).description(description));
  add('register-site', 'propose registering a site')
    .requiredOption('--public-key <hex>', 'site Ed25519 public key')
    .requiredOption('--country <code>', 'ISO 3166-1 numeric or alpha-2/3')
    .requiredOption('--city <city>', 'locode:CNSHA, national:310000 or geonames:1796236')
    .requiredOption('--site-id <ip>', 'IPv4 or IPv6 address of the site')
    .requiredOption('--kpi <code...>', 'KPI codes the site may upload ("EN: EN: AQ: 1C" or wire codes)')
    .action((o) => run(registerSiteAction(o), o));
  for (const [name, type] of [
    ['suspend-site', 'suspendSite'],
    ['resume-site', 'resumeSite'],
    ['revoke-site', 'revokeSite'],
  ] as const)
    add(name, `propose to ${name.split('-')[0]} a site`)
      .argument('<site-key-id>', 'site key ID (hex)')
      .action((id: string, o) => run({ type, siteKeyId: hexBytes(id, 16, 'site key ID') }, o));
  add('rotate-site-key', "propose replacing a site's key")
    .argument('<site-key-id>', 'current site key ID (hex)')
    .requiredOption('--new-public-key <hex>', 'the new Ed25519 public key')
    .action((id: string, o) =>
      run(
        {
          type: 'rotateSiteKey',
          siteKeyId: hexBytes(id, 16, 'site key ID'),
          newPublicKey: hexBytes(o.newPublicKey, 32, 'public key'),
        },
        o,
      ),
    );
  add('add-scp-key', "propose adding the platform's new X25519 encryption key (key rotation, step 1)")
    .requiredOption('--public-key <hex>', 'X25519 public key')
    .option('--days <n>', 'validity from now', '365')
    .action((o) => {
      const now = Date.now();
      const notAfter = now + int(o.days, '--days') * 86_400_000;
      return run(
        { type: 'addScpKey', publicKey: hexBytes(o.publicKey, 32, 'public key'), notBefore: now, notAfter },
        o,
      );
    });
  add('retire-scp-key', 'propose retiring an encryption key (key rotation, step 2)')
    .argument('<scp-key-id>', 'key ID (hex)')
    .action((id: string, o) => run({ type: 'retireScpKey', scpKeyId: hexBytes(id, 16, 'SCP key ID') }, o));
  add('set-validators', 'propose the validator set in force from a future height')
    .requiredOption('--validator <hex...>', 'Ed25519 public keys, in set order')
    .requiredOption('--activate-at <height>', 'first height of the new set (after the executing block)')
    .action((o) =>
      run(
        {
          type: 'setValidators',
          validators: (o.validator as string[]).map((k) => ({ publicKey: hexBytes(k, 32, 'validator key') })),
          activateAt: int(o.activateAt, '--activate-at'),
        },
        o,
      ),
    );
  add('set-params', 'propose the chain parameters in force from a future height')
    .requiredOption('--period-ms <ms>', 'processing period')
    .requiredOption('--max-block-envelopes <n>', 'most envelopes in a block')
    .requiredOption('--max-block-bytes <n>', 'most bytes in a block')
    .requiredOption('--view-timeout-ms <ms>', 'base view-change timeout')
    .option('--max-seq-gap <n>', "most a site's sequence number may jump (with --max-envelope-future-ms)")
    .option('--max-envelope-future-ms <ms>', 'most an envelope time may be ahead of the block time')
    .option('--snapshot-interval <n>', 'blocks between state snapshots (1..1000000; absent: kept)')
    .requiredOption('--activate-at <height>', 'first height in force (after the executing block)')
    .action((o) => run(paramsAction(o), o));
  add('set-admins', 'propose the administrators and their approval threshold (in force at once)')
    .requiredOption('--admin <hex...>', 'Ed25519 public keys of the administrators')
    .requiredOption('--threshold <m>', 'approvals a proposal needs (M of N)')
    .action((o) =>
      run(
        {
          type: 'setAdmins',
          admins: (o.admin as string[]).map((k) => hexBytes(k, 32, 'admin key')),
          threshold: int(o.threshold, '--threshold'),
        },
        o,
      ),
    );
}
