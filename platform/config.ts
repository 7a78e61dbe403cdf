// The platform's JSON config, validated with zod so a typo is reported by its path. A minimal
// config names the data folder, the genesis file, the nodes and the platform's encryption key
// keystore(s); everything else has a default in defaultPlatformOptions.
import { z } from 'zod';
import { MAX_CHAIN_URL_BYTES } from '../codec/caps.js';
import { loadJsonConfig, parseConfig, resolvePathsAgainst } from '../runtime/json-config.js';
import { keystoreRefSchema, PassphraseEnv } from '../runtime/passphrase.js';
import { PlatformError, PlatformErrorCode } from './errors.js';

export const defaultPlatformOptions = {
  /** Assessment period: one value per series is expected per period. One hour. */
  periodMs: 3_600_000,
  zThreshold: 3.5,
  /** Where the query API listens when the config has `api` without `listen`. */
  apiListen: '127.0.0.1:7080',
  /** Progress line interval on a terminal, ms (0 = never). */
  progressMs: 2_000,
  /** Pause before trying the next node after a failure; doubles up to maxMs. */
  retry: { baseMs: 500, maxMs: 30_000 },
};

/** An encryption keystore; its passphrase from a 0600 file or BKDMS_PLATFORM_PASSPHRASE. */
const keystore = keystoreRefSchema(PassphraseEnv.Platform);

const d = defaultPlatformOptions;
export const platformConfigSchema = z
  .object({
    name: z.string().min(1).max(64).default('scp'),
    /** Folder of the embedded (PGlite) platform database; relative to the config file. */
    dataDir: z.string().min(1),
    /** A PostgreSQL server instead of the embedded database (postgres://user@host:port/db). */
    store: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
          .optional(),
      })
      .strict()
      .optional(),
    /** The chain's genesis file: chain ID, first validator set, admins, initial sites and keys. */
    genesis: z.string().min(1),
    /** Chain ID written in every storage record; bkdms://<chain ID hex> when absent. */
    chainUrl: z
      .string()
      .max(MAX_CHAIN_URL_BYTES)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
      .optional(),
    chain: z
      .object({
        /** host:port of one or more nodes' RPC servers; the next is tried when one fails or lies. */
        endpoints: z.array(z.string().min(3)).min(1),
        /** PEM CA file for TLS. */
        tlsCa: z.string().optional(),
        /** Plaintext RPC, only for local clusters and tests. */
        insecure: z.boolean().default(false),
        deadlineMs: z.number().int().positive().default(10_000),
      })
      .strict(),
    /** X25519 keystores of the platform's encryption keys: the current one and any still needed. */
    encryptionKeys: z.array(keystore).min(1),
    /** Ed25519 keystore of this platform's administrator, for the admin commands (BKDMS_ADMIN_PASSPHRASE). */
    admin: keystoreRefSchema(PassphraseEnv.Admin).optional(),
    assess: z
      .object({
        periodMs: z.number().int().min(1_000).default(d.periodMs),
        zThreshold: z.number().positive().default(d.zThreshold),
      })
      .strict()
      .default({ periodMs: d.periodMs, zThreshold: d.zThreshold }),
    /**
     * The query API (platform/api/) that `platform run` serves; off when absent. Off loopback it
     * needs at least one read token and refuses to start without one.
     */
    api: z
      .object({
        listen: z.string().min(3).max(300).default(d.apiListen),
        /** Read tokens (Authorization: Bearer); 16 to 512 printable characters each. */
        tokens: z
          .array(
            z
              .string()
              .min(16)
              .max(512)
              .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
          )
          .max(64)
          .default([]),
      })
      .strict()
      .optional(),
    progressMs: z.number().int().nonnegative().default(d.progressMs),
    retry: z
      .object({ baseMs: z.number().int().positive(), maxMs: z.number().int().positive() })
      .strict()
      .default(d.retry),
  })
  .strict();

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type KeystoreConfig = z.infer<typeof keystore>;

const badConfig = (message: string): PlatformError => new PlatformError(PlatformErrorCode.BadConfig, message);

/** Validates a parsed config object; throws BAD_CONFIG listing every problem by path. */
export function parsePlatformConfig(obj: unknown): PlatformConfig {
  return parseConfig(obj, platformConfigSchema, badConfig, 'platform config');
}

/** Reads and validates a config file; relative paths inside it become relative to its folder. */
export function loadPlatformConfig(path: string): PlatformConfig {
  const { config: c, dir } = loadJsonConfig(path, platformConfigSchema, badConfig);
  const at = resolvePathsAgainst(dir);
  const ks = <K extends KeystoreConfig>(k: K): K => ({
    ...k,
    path: at(k.path),
    ...(k.passphraseFile === undefined ? {} : { passphraseFile: at(k.passphraseFile) }),
  });
  return {
    ...c,
    dataDir: at(c.dataDir),
    genesis: at(c.genesis),
    chain: { ...c.chain, ...(c.chain.tlsCa === undefined ? {} : { tlsCa: at(c.chain.tlsCa) }) },
    encryptionKeys: c.encryptionKeys.map(ks),
    ...(c.admin === undefined ? {} : { admin: ks(c.admin) }),
  };
}
