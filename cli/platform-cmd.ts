// `bkdms platform …`: the KPI management module of the smart city platform (docs/platform.md):
// follow the chain, trace, audit, assess, and the permission administration commands.
import type { Command } from 'commander';
import { findKpi } from '../kpi/catalogue.js';
import { parseCityCode } from '../kpi/city.js';
import { findCountry } from '../kpi/countries.js';
import { parseSiteId } from '../kpi/site-id.js';
import { loadGenesis } from '../node/genesis.js';
import {
  type Admin,
  formatAudit,
  formatQualityTable,
  loadPlatformConfig,
  openAdmin,
  openPlatform,
  type PlatformConfig,
  type PlatformHandle,
  runPlatform,
} from '../platform/index.js';
import { formatTrace } from '../platform/trace.js';
import { runUntilSignal } from '../runtime/lifecycle.js';

const say = (s: string): void => void process.stdout.write(`${s}\n`);

function load(path: string): { config: PlatformConfig; genesis: ReturnType<typeof loadGenesis> } {
  const config = loadPlatformConfig(path);
  return { config, genesis: loadGenesis(config.genesis) };
}

/** Opens the platform without following, runs `fn`, closes. */
async function withPlatform(path: string, fn: (p: PlatformHandle) => Promise<void>): Promise<void> {
  const { config, genesis } = load(path);
  const p = await openPlatform(config, { genesis });
  try {
    await fn(p);
  } finally {
    await p.stop();
  }
}

async function withAdmin(path: string, fn: (a: Admin) => Promise<unknown>): Promise<void> {
  const { config, genesis } = load(path);
  const { admin, close } = await openAdmin(config, genesis);
  try {
    say(JSON.stringify(await fn(admin), null, 2));
  } finally {
    close();
  }
}

const cfg = (c: Command): Command => c.requiredOption('--config <file>', 'platform config (JSON)');

export function registerPlatformCommands(program: Command): void {
  const platform = program.command('platform').description('run and administer the smart city platform');
  cfg(platform.command('run'))
    .description('follow the chain: verify, store (Table 10-3), decrypt and check every packet')
    .action(async (o: { config: string }) => {
      const { config, genesis } = load(o.config);
      const p = await runPlatform(config, { genesis, print: say });
      await runUntilSignal(p);
      // A database failure while stopping still fails the command.
      await p.done;
    });
  cfg(platform.command('trace'))
    .description('print and verify offline the chain of evidence of one stored packet')
    .argument('<tracing-code>', 'tracing code (hex)')
    .action(async (code: string, o: { config: string }) => {
      await withPlatform(o.config, async (p) => say(formatTrace(await p.trace(code))));
    });
  cfg(platform.command('audit'))
    .description('re-verify stored records against the chain and their check codes')
    .option('--from <height>', 'first height')
    .option('--to <height>', 'last height')
    .action(async (o: { config: string; from?: string; to?: string }) => {
      await withPlatform(o.config, async (p) => {
        const r = await p.audit({
          fromHeight: o.from === undefined ? undefined : Number(o.from),
          toHeight: o.to === undefined ? undefined : Number(o.to),
        });
        say(formatAudit(r));
        if (r.findings.length > 0) process.exitCode = 2;
      });
    });
  cfg(platform.command('assess'))
    .description('data quality and availability per site, city and KPI')
    .option('--json', 'print the JSON report instead of the table')
    .action(async (o: { config: string; json?: boolean }) => {
      await withPlatform(o.config, async (p) => {
        const r = await p.assess();
        say(o.json ? JSON.stringify(r, null, 2) : formatQualityTable(r));
      });
    });
  const admin = platform.command('admin').description('permission administration (governance proposals)');
  cfg(admin.command('register-site'))
    .description('propose registering a site')
    .requiredOption('--public-key <hex>', 'site Ed25519 public key')
    .requiredOption('--country <code>', 'ISO 3166-1 numeric or alpha-2/3')
    .requiredOption('--city <city>', 'locode:CNSHA, national:310000 or geonames:1796236')
    .requiredOption('--site-id <ip>', 'IPv4 or IPv6 address of the site')
    .requiredOption('--kpi <code...>', 'KPI codes the site may upload ("EN: EN: AQ: 1C" or wire codes)')
    .action(
      async (o: {
        config: string;
        publicKey: string;
        country: string;
        city: string;
        siteId: string;
        kpi: string[];
      }) => {
        const country = findCountry(/^\d+$/.test(o.country) ? Number(o.country) : o.country);
        if (country === undefined) throw new Error(`unknown country ${o.country}`);
        const kpiCodes = o.kpi.map((k) => {
          const def = findKpi(/^\d+$/.test(k) ? Number(k) : k);
          if (def === undefined) throw new Error(`unknown KPI ${k}`);
          return def.wire;
        });
        await withAdmin(o.config, (a) =>
          a.registerSite({
            publicKey: Buffer.from(o.publicKey, 'hex'),
            country: country.numeric,
            city: parseCityCode(o.city),
            siteId: parseSiteId(o.siteId),
            kpiCodes,
          }),
        );
      },
    );
  for (const [name, what] of [
    ['suspend-site', 'suspend'],
    ['resume-site', 'resume'],
    ['revoke-site', 'revoke'],
  ] as const)
    cfg(admin.command(name))
      .description(`propose to ${what} a site`)
      .argument('<site-key-id>', 'site key ID (hex)')
      .action(async (id: string, o: { config: string }) => {
        await withAdmin(o.config, (a) =>
          what === 'suspend' ? a.suspendSite(id) : what === 'resume' ? a.resumeSite(id) : a.revokeSite(id),
        );
      });
  cfg(admin.command('rotate-site-key'))
    .description("propose replacing a site's key")
    .argument('<site-key-id>', 'current site key ID (hex)')
    .requiredOption('--new-public-key <hex>', 'the new Ed25519 public key')
    .action(async (id: string, o: { config: string; newPublicKey: string }) => {
      await withAdmin(o.config, (a) => a.rotateSiteKey(id, Buffer.from(o.newPublicKey, 'hex')));
    });
  cfg(admin.command('add-scp-key'))
    .description("propose adding the platform's new X25519 encryption key (key rotation, step 1)")
    .requiredOption('--public-key <hex>', 'X25519 public key')
    .option('--days <n>', 'validity from now', '365')
    .action(async (o: { config: string; publicKey: string; days: string }) => {
      const now = Date.now();
      await withAdmin(o.config, (a) =>
        a.addScpKey(Buffer.from(o.publicKey, 'hex'), now, now + Number(o.days) * 86_400_000),
      );
    });
  cfg(admin.command('retire-scp-key'))
    .description('propose retiring an encryption key (key rotation, step 2)')
    .argument('<scp-key-id>', 'key ID (hex)')
    .action(async (id: string, o: { config: string }) => {
      await withAdmin(o.config, (a) => a.retireScpKey(id));
    });
  cfg(admin.command('approve'))
    .description('approve a pending governance proposal (M-of-N threshold)')
    .argument('<proposal-id>', 'proposal ID = tracing code of the proposal (hex)')
    .action(async (id: string, o: { config: string }) => {
      await withAdmin(o.config, (a) => a.approve(id));
    });
}
