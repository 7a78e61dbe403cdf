// `bkdms keys gen`: a new Ed25519 identity (validator, site, admin) or X25519 encryption key (the
// platform's), written as a passphrase-encrypted keystore (0600, atomic). Prints only public data.
import type { Command } from 'commander';
import { toHex } from '../crypto/bytes.js';
import { keyIdOf } from '../crypto/key-id.js';
import { generateKeystore } from '../crypto/keystore.js';
import { resolvePassphrase } from '../runtime/passphrase.js';

const hex = toHex;

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage key files');
  keys
    .command('gen')
    .description('generate a key and write it as a passphrase-encrypted keystore (mode 0600)')
    .requiredOption('--out <file>', 'keystore file to create')
    .option(
      '--type <type>',
      'ed25519 (identity: validator, site, admin) or x25519 (platform encryption)',
      'ed25519',
    )
    .option('--passphrase-file <file>', 'file holding the passphrase (else BKDMS_PASSPHRASE)')
    .action(async (o: { out: string; type: string; passphraseFile?: string }) => {
      if (o.type !== 'ed25519' && o.type !== 'x25519')
        throw new Error(`--type must be ed25519 or x25519, not ${o.type}`);
      const key = await generateKeystore(
        o.out,
        o.type,
        resolvePassphrase({ passphraseFile: o.passphraseFile }, { fileHint: 'pass --passphrase-file' }),
      );
      process.stdout.write(
        `${JSON.stringify({ file: o.out, type: o.type, publicKey: hex(key.publicKey), keyId: hex(keyIdOf(key.publicKey)) })}\n`,
      );
    });
}
