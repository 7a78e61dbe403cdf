// The governance actions as CLI subcommands, defined once and registered under both
// `bkdms gov propose …` and `bkdms platform admin …` (its older home). Each subcommand parses its
// flags into a GovernanceAction; what happens next (which key signs, which node takes it) is the
// caller's `run`.
import type { Command } from 'commander';
import {
  addScpKeyAction,
  type ParamsInput,
  registerSiteAction,
  retireScpKeyAction,
  rotateSiteKeyAction,
  setAdminsAction,
  setParamsAction,
  setValidatorsAction,
  siteStatusAction,
} from '../api/gov-action-builders.js';
import type { GovernanceAction } from '../codec/types.js';

/** Adds the flags every action subcommand of the caller needs (--config, or --key and --rpc). */
export type Decorate = (c: Command) => Command;
/** Submits the action; `o` is the subcommand's parsed options. */
export type RunAction = (action: GovernanceAction, o: Record<string, unknown>) => Promise<void>;

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
      .action((id: string, o) => run(siteStatusAction(type, id), o));
  add('rotate-site-key', "propose replacing a site's key")
    .argument('<site-key-id>', 'current site key ID (hex)')
    .requiredOption('--new-public-key <hex>', 'the new Ed25519 public key')
    .action((id: string, o) => run(rotateSiteKeyAction(id, o.newPublicKey), o));
  add('add-scp-key', "propose adding the platform's new X25519 encryption key (key rotation, step 1)")
    .requiredOption('--public-key <hex>', 'X25519 public key')
    .option('--days <n>', 'validity from now', '365')
    .action((o) => run(addScpKeyAction(o.publicKey, o.days, Date.now()), o));
  add('retire-scp-key', 'propose retiring an encryption key (key rotation, step 2)')
    .argument('<scp-key-id>', 'key ID (hex)')
    .action((id: string, o) => run(retireScpKeyAction(id), o));
  add('set-validators', 'propose the validator set in force from a future height')
    .requiredOption('--validator <hex...>', 'Ed25519 public keys, in set order')
    .requiredOption('--activate-at <height>', 'first height of the new set (after the executing block)')
    .action((o) => run(setValidatorsAction(o.validator, o.activateAt), o));
  add('set-params', 'propose the chain parameters in force from a future height')
    .requiredOption('--period-ms <ms>', 'processing period')
    .requiredOption('--max-block-envelopes <n>', 'most envelopes in a block')
    .requiredOption('--max-block-bytes <n>', 'most bytes in a block')
    .requiredOption('--view-timeout-ms <ms>', 'base view-change timeout')
    .option('--max-seq-gap <n>', "most a site's sequence number may jump (with --max-envelope-future-ms)")
    .option('--max-envelope-future-ms <ms>', 'most an envelope time may be ahead of the block time')
    .option('--snapshot-interval <n>', 'blocks between state snapshots (1..1000000; absent: kept)')
    .requiredOption('--activate-at <height>', 'first height in force (after the executing block)')
    .action((o) => run(setParamsAction(o as ParamsInput), o));
  add('set-admins', 'propose the administrators and their approval threshold (in force at once)')
    .requiredOption('--admin <hex...>', 'Ed25519 public keys of the administrators')
    .requiredOption('--threshold <m>', 'approvals a proposal needs (M of N)')
    .action((o) => run(setAdminsAction(o.admin, o.threshold), o));
}
