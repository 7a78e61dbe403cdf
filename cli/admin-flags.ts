// The administrator flags of commands that change a node (`node log-level`, `alarms ack`,
// `logs delete`): --admin-key names the Ed25519 keystore that signs the request, its passphrase
// from --passphrase-file or BKDMS_ADMIN_PASSPHRASE. Without --admin-key the node must know the
// caller by its mutual-TLS client certificate (--tls-cert, --tls-key).
import type { Command } from 'commander';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { ed25519Of } from '../crypto/key-formats.js';
import { readKeystore } from '../crypto/keystore.js';
import { PassphraseEnv, resolvePassphrase } from '../runtime/passphrase.js';

export interface AdminFlags {
  adminKey?: string;
  passphraseFile?: string;
}

export function addAdminFlags(cmd: Command): Command {
  return cmd
    .option('--admin-key <file>', "administrator's Ed25519 keystore that signs the request")
    .option('--passphrase-file <file>', `passphrase of --admin-key (else ${PassphraseEnv.Admin})`);
}

/** The signing key the flags name, or undefined when the client certificate is the credential. */
export async function adminKeyOf(o: AdminFlags): Promise<Ed25519KeyPair | undefined> {
  if (o.adminKey === undefined) return undefined;
  const pass = resolvePassphrase(
    { passphraseFile: o.passphraseFile, passphraseEnv: PassphraseEnv.Admin },
    { fileHint: 'pass --passphrase-file' },
  );
  return ed25519Of(await readKeystore(o.adminKey, pass));
}
