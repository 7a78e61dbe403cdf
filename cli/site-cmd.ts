// `bkdms site run --config <file>`: the KPI processing module of one sampling site (docs/site.md).
import type { Command } from 'commander';
import { runUntilSignal } from '../runtime/lifecycle.js';
import { loadSiteConfig } from '../site/config.js';
import { runSite, siteLogger } from '../site/run.js';
import { siteAnchorOf } from './trust-anchor.js';

export function registerSiteCommands(program: Command): void {
  const site = program.command('site').description('run a sampling site (KPI processing module)');
  site
    .command('run')
    .description('collect, normalize, seal and upload KPI data; stops cleanly on SIGINT/SIGTERM')
    .requiredOption('--config <file>', 'site config (JSON)')
    .action(async (o: { config: string }) => {
      const config = loadSiteConfig(o.config);
      const anchor = siteAnchorOf(config.chain);
      const handle = await runSite(config, { log: siteLogger(config.name), ...(anchor ? { anchor } : {}) });
      await runUntilSignal(handle);
      // A failure while stopping still fails the command.
      await handle.done;
    });
}
