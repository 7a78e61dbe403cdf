// `bkdms keys gen`: a new Ed25519 identity (validator, site, admin) or X25519 encryption key (the
// platform's), written as a passphrase-encrypted keystore (0600, atomic). Prints only public data.
import type { Command } from 'commander';
import { toHex } from '../crypto/bytes.js';
import { generateEd25519 } from '../crypto/ed25519.js';
import { ed25519Raw, type RawOkpKey, x25519Raw } from '../crypto/key-formats.js';
import { keyIdOf } from '../crypto/key-id.js';
import { keystoreExists, writeKeystore } from '../crypto/keystore.js';
import { generateX25519 } from '../crypto/x25519.js';
import { resolvePassphrase } from '../runtime/passphrase.js';

const hex = toHex;

export function newKey(type: 'ed25519' | 'x25519'): RawOkpKey {
  return type === 'ed25519' ? ed25519Raw(generateEd25519()) : x25519Raw(generateX25519());
}

/** Writes a new keystore and returns its public key; refuses to overwrite. */
export async function generateKeystore(
  path: string,
  type: 'ed25519' | 'x25519',
  passphrase: string,
): Promise<RawOkpKey> {
  if (await keystoreExists(path)) throw new Error(`${path} exists; refusing to overwrite a key`);
  const key = newKey(type);
  await writeKeystore(path, key, passphrase);
  return key;
}

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
