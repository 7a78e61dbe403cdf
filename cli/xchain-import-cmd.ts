// `bkdms xchain import-fact --from <rpc A> --to <rpc B> --client <id> --tracing-code <hex> --key
// <relayer key>`: records one of chain A's committed envelopes on chain B (platform/relay/
// fact-import.ts). A's node gives the trace and the block-hash log proof; B's light client of A
// must already hold a header at or above the envelope's block, else it says to run the relayer.
import type { Command } from 'commander';
import { BkdmsClient } from '../api/client.js';
import { Admin } from '../platform/admin.js';
import { unhex } from '../platform/hex.js';
import { loadAdminKey } from '../platform/keys.js';
import { type FactOutcome, importFact } from '../platform/relay/fact-import.js';
import { Relayer } from '../platform/relay/relayer.js';
import { PassphraseEnv } from '../runtime/passphrase.js';
import { addTwoChainTlsFlags, type ChainSide, chainTls, type TwoChainTlsFlags } from './two-chain-tls.js';

interface ImportFlags extends TwoChainTlsFlags {
  from: string;
  to: string;
  client: string;
  tracingCode: string;
  key: string;
  passphraseFile?: string;
  json?: boolean;
  update?: boolean;
}

function describe(o: FactOutcome, clientId: number): string {
  switch (o.kind) {
    case 'frozen':
      return `client ${clientId} is frozen at remote height ${o.frozenHeight}: no fact is accepted until governance recovers it`;
    case 'not-covered':
      return `the envelope is in A's block ${o.remoteHeight}, above client ${clientId}'s latest header (${o.latestHeight}): run \`bkdms relay --once\` first`;
    case 'submitted':
      return o.result === ''
        ? `recorded: A's block ${o.remoteHeight}, proven against the consensus state at remote height ${o.anchorHeight}`
        : `refused by chain B: ${o.result} (A's block ${o.remoteHeight}, anchor ${o.anchorHeight})`;
  }
}

export function registerImportFactCommand(x: Command): void {
  addTwoChainTlsFlags(x.command('import-fact'))
    .description("record one of chain A's envelopes on chain B, proven against B's light client of A")
    .requiredOption(
      '--from <rpc>',
      "chain A's node RPC address (the envelope's trace and block-hash log proof)",
    )
    .requiredOption('--to <rpc>', "chain B's node RPC address")
    .requiredOption('--client <id>', "the ID of B's light client of A")
    .requiredOption('--tracing-code <hex>', "the envelope's tracing code on chain A (64 hex digits)")
    .requiredOption(
      '--key <file>',
      'Ed25519 keystore of a relayer listed by the client (passphrase: --passphrase-file or BKDMS_ADMIN_PASSPHRASE)',
    )
    .option('--passphrase-file <file>', 'a 0600 file whose first line is the keystore passphrase')
    .option(
      '--update',
      "when the client is behind the envelope's block, bring A's newest header first (as `bkdms relay --once` would)",
    )
    .option('--json', 'the outcome as JSON')
    .action(async (o: ImportFlags) => {
      const clientId = Number(o.client);
      if (!Number.isInteger(clientId) || clientId < 0 || clientId > 0xffff)
        throw new Error('--client must be 0..65535');
      const tc = unhex(o.tracingCode, 32, 'tracing code');
      const connect = (rpc: string, side: ChainSide) =>
        new BkdmsClient({ address: rpc, tls: chainTls(o, side, rpc), deadlineMs: 10_000 });
      const source = connect(o.from, 'from');
      const dest = connect(o.to, 'to');
      try {
        const key = await loadAdminKey({
          path: o.key,
          passphraseFile: o.passphraseFile,
          passphraseEnv: PassphraseEnv.Admin,
        });
        const signer = new Admin(dest, { chainId: (await dest.getStatus()).chainId, key });
        const relayer = new Relayer({
          clientId,
          sources: [source],
          dest,
          sign: (c) => signer.buildCall(c),
          now: Date.now,
          sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
        });
        const out = await importFact(relayer, source, clientId, tc, o.update === true);
        process.stdout.write(
          `${o.json ? JSON.stringify({ clientId, tracingCode: o.tracingCode.toLowerCase(), ...out }, null, 2) : describe(out, clientId)}\n`,
        );
        if (out.kind !== 'submitted' || out.result !== '') process.exitCode = 1;
      } finally {
        source.close();
        dest.close();
      }
    });
}
