// `bkdms relay --from <rpc A> --to <rpc B> --client <id> --key <relayer key>`: runs the relayer
// (platform/relay/relayer.ts) until a signal: one step every --interval-ms, each outcome printed
// (one JSON line each with --json). Untrusted by design: chain B's contract checks what it brings.
// Several --from nodes of chain A are compared, and a conflict becomes a misbehaviour call.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { Admin } from '../platform/admin.js';
import { loadAdminKey } from '../platform/keys.js';
import { parseListen, RelayMetrics, serveRelayMetrics } from '../platform/relay/metrics.js';
import { Relayer, type StepOutcome } from '../platform/relay/relayer.js';
import { runUntilSignal } from '../runtime/lifecycle.js';
import { isLoopbackHost } from '../runtime/loopback.js';
import { PassphraseEnv } from '../runtime/passphrase.js';
import { addTwoChainTlsFlags, type ChainSide, chainTls, type TwoChainTlsFlags } from './two-chain-tls.js';

interface RelayFlags extends TwoChainTlsFlags {
  from: string[];
  to: string;
  client: string;
  key: string;
  passphraseFile?: string;
  intervalMs: string;
  once?: boolean;
  json?: boolean;
  metrics?: string;
  metricsPublic?: boolean;
}

function describe(o: StepOutcome): string {
  switch (o.kind) {
    case 'frozen':
      return `client frozen at remote height ${o.frozenHeight}: nothing to relay until governance recovers it`;
    case 'fresh':
      return `up to date at remote height ${o.latestHeight} (${Math.round(o.msSinceUpdate / 1000)} s since its latest header)`;
    case 'updated':
      return `update to remote height ${o.height}: ${o.result || 'applied'}`;
    case 'misbehaviour':
      return `conflicting certified headers at remote height ${o.height} submitted: ${o.result || 'client frozen'}`;
  }
}

export function registerRelayCommand(program: Command): void {
  addTwoChainTlsFlags(program.command('relay'))
    .description("carry chain A's certified headers to chain B's light client of A (docs/cross-chain.md)")
    .requiredOption(
      '--from <rpc...>',
      "chain A's node RPC addresses: the first is followed, the others are compared with it",
    )
    .requiredOption('--to <rpc>', "chain B's node RPC address")
    .requiredOption('--client <id>', "the ID of B's light client of A")
    .requiredOption(
      '--key <file>',
      'relayer Ed25519 keystore, listed by the client (passphrase: --passphrase-file or BKDMS_ADMIN_PASSPHRASE)',
    )
    .option('--passphrase-file <file>', 'a 0600 file whose first line is the keystore passphrase')
    .option('--interval-ms <ms>', 'time between two steps', '5000')
    .option('--once', 'one step, then exit')
    .option('--json', 'one JSON line per step')
    .option('--metrics <[host:]port>', 'serve GET /metrics and /healthz (host defaults to 127.0.0.1)')
    .option('--metrics-public', 'allow --metrics on an address off loopback (unauthenticated reads)')
    .action(async (o: RelayFlags) => {
      const clientId = Number(o.client);
      if (!Number.isInteger(clientId) || clientId < 0 || clientId > 0xffff)
        throw new Error('--client must be 0..65535');
      const interval = Number(o.intervalMs);
      if (!(interval >= 100)) throw new Error('--interval-ms must be at least 100');
      const listen = o.metrics === undefined ? undefined : parseListen(o.metrics);
      if (listen !== undefined && !isLoopbackHost(listen.host) && !o.metricsPublic)
        throw new Error(`--metrics ${o.metrics} is off loopback: add --metrics-public to serve it there`);
      const connect = (rpc: string, side: ChainSide) =>
        new BkdmsClient({ address: rpc, tls: chainTls(o, side, rpc), deadlineMs: 10_000 });
      const sources = o.from.map((rpc) => connect(rpc, 'from'));
      const dest = connect(o.to, 'to');
      try {
        const key = await loadAdminKey({
          path: o.key,
          passphraseFile: o.passphraseFile,
          passphraseEnv: PassphraseEnv.Admin,
        });
        const chainId = (await dest.getStatus()).chainId;
        const signer = new Admin(dest, { chainId, key });
        const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
        const relayer = new Relayer({
          clientId,
          sources,
          dest,
          sign: (c) => signer.buildCall(c),
          now: Date.now,
          sleep,
        });
        const metrics = new RelayMetrics(Date.now);
        // Healthy while a step succeeded within three intervals (a step waits up to a minute for a receipt).
        const server =
          listen === undefined
            ? undefined
            : await serveRelayMetrics(metrics, listen.host, listen.port, 3 * interval + 60_000);
        const report = (x: StepOutcome | { kind: 'error'; message: string }) =>
          process.stdout.write(
            `${o.json ? JSON.stringify({ time: new Date().toISOString(), ...x }) : x.kind === 'error' ? `error: ${x.message}` : describe(x)}\n`,
          );
        const step = async () => {
          try {
            const out = await relayer.step();
            metrics.step(out);
            report(out);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            metrics.error(message);
            report({ kind: 'error', message });
          }
        };
        if (o.once) {
          await step();
          server?.close();
          return;
        }
        let stopped = false;
        const done = (async () => {
          while (!stopped) {
            await step();
            await sleep(interval);
          }
        })();
        const stop = async (): Promise<void> => {
          stopped = true;
          await done; // the step under way finishes (at most one interval's sleep after it)
          await new Promise((r) => (server === undefined ? r(undefined) : server.close(() => r(undefined))));
        };
        await runUntilSignal({ stop, done });
      } finally {
        for (const c of [...sources, dest]) c.close();
      }
    });
}
