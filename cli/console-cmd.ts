// `bkdms console`: the web console (console/) over running nodes and, optionally, a platform's
// query API. Loopback by default; another --listen needs a login token (--token-file or
// BKDMS_CONSOLE_TOKEN). TLS to the nodes as for every RPC command (rpc-flags.ts).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_LISTEN, startConsole } from '../console/start.js';
import { runUntilSignal } from '../runtime/lifecycle.js';
import { type AdminFlags, addAdminFlags, adminKeyOf } from './admin-flags.js';
import { type RpcFlags, rpcTls } from './rpc-flags.js';

interface ConsoleFlags extends Omit<RpcFlags, 'rpc'>, AdminFlags {
  rpc: string;
  mgmt?: string;
  platform?: string;
  genesis?: string;
  listen: string;
  tokenFile?: string;
}

const list = (s: string | undefined): string[] =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** The login token: the first line of --token-file, else BKDMS_CONSOLE_TOKEN, else none. */
export function consoleToken(tokenFile: string | undefined, env = process.env): string | undefined {
  if (tokenFile !== undefined) return readFileSync(tokenFile, 'utf8').split('\n')[0]?.trim();
  const t = env.BKDMS_CONSOLE_TOKEN?.trim();
  return t === undefined || t === '' ? undefined : t;
}

export function registerConsoleCommand(program: Command): void {
  const cmd = program
    .command('console')
    .description(
      'serve the web console: overview, nodes, consensus, blocks, traces verified in the browser, alarms, ' +
        'governance, logs, KPI data; read-only unless --admin-key is given',
    )
    .requiredOption('--rpc <list>', 'comma-separated node RPC addresses (host:port,host:port,…)')
    .option('--mgmt <list>', "the nodes' management HTTP addresses, in --rpc order (alarms)")
    .option('--platform <url>', "a platform's query API (http://host:port): its extraction lag, the KPI page")
    .option(
      '--genesis <file>',
      'the genesis file the page verifies traces against (a user may pin their own)',
    )
    .option('--listen <host:port>', 'where the console listens', DEFAULT_LISTEN)
    .option('--token-file <file>', 'login token (first line), required off loopback; or BKDMS_CONSOLE_TOKEN')
    .option('--tls-ca <file>', "PEM CA bundle that signs the nodes' certificates")
    .option('--tls-cert <file>', 'PEM client certificate (mutual TLS, with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--insecure', 'plaintext, no TLS (the default for loopback addresses given no --tls-* flag)');
  addAdminFlags(cmd).action(async (o: ConsoleFlags) => {
    const rpc = list(o.rpc);
    const mgmt = list(o.mgmt);
    if (mgmt.length > 0 && mgmt.length !== rpc.length)
      throw new Error('--mgmt needs one address per --rpc node');
    const token = consoleToken(o.tokenFile);
    // An administrator's key lets the page approve proposals and acknowledge alarms.
    const adminKey = await adminKeyOf(o);
    const running = await startConsole({
      rpc,
      ...(mgmt.length > 0 ? { mgmt } : {}),
      ...(o.platform ? { platform: o.platform } : {}),
      ...(o.genesis ? { genesis: o.genesis } : {}),
      listen: o.listen,
      ...(token ? { token } : {}),
      ...(adminKey ? { adminKey } : {}),
      tls: (address) => rpcTls({ ...o, rpc: address }),
    });
    process.stdout.write(
      `console ${running.url}${token ? ' (log in at /login?token=…)' : ''}${adminKey ? '' : ' (read-only: no --admin-key)'}\n`,
    );
    await runUntilSignal({ stop: () => running.stop() });
  });
}
