// `bkdms site run --config <file>`: the KPI processing module of one sampling site (docs/site.md).
import type { Command } from 'commander';
import { loadSiteConfig } from '../site/config.js';
import { pinoLog, runSite } from '../site/run.js';

export function registerSiteCommands(program: Command): void {
  const site = program.command('site').description('run a sampling site (KPI processing module)');
  site
    .command('run')
    .description('collect, normalize, seal and upload KPI data; stops cleanly on SIGINT/SIGTERM')
    .requiredOption('--config <file>', 'site config (JSON)')
    .action(async (o: { config: string }) => {
      const config = loadSiteConfig(o.config);
      const handle = await runSite(config, { log: pinoLog(config.name) });
      const stop = (): void => void handle.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await handle.done;
    });
}
