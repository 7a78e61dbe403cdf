// The node's config file: where its keys, genesis and data live, which addresses it listens on,
// who its peers are, and the tuning of each subsystem. Validated with zod; every error names the
// field and what was expected; an unknown (misspelled) field is an error, not silently ignored.
import { z } from 'zod';
import { loadJsonConfig, resolvePathsAgainst } from '../runtime/json-config.js';
import { defaultLogFiles } from '../runtime/log-files.js';
import { NodeError, NodeErrorCode } from './errors.js';

// One check, so that a bad address gets one message: the shape, then the port's range.
const hostPort = z
  .string()
  .refine(
    (s) => /^[A-Za-z0-9.\-:[\]]+:\d{1,5}$/.test(s) && Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535,
    'expected host:port with a port up to 65535, e.g. 127.0.0.1:7101',
  );

export const nodeConfigSchema = z.strictObject({
  /** Folder for the block log, indexes and consensus state. */
  dataDir: z.string().min(1),
  /** Path of the genesis file shared by every node of the chain. */
  genesis: z.string().min(1),
  /** Passphrase-encrypted keystore holding the validator's Ed25519 key. */
  keystore: z.string().min(1),
  /** File holding the keystore passphrase (mode 0600); else BKDMS_PASSPHRASE (runtime/passphrase.ts). */
  passphraseFile: z.string().min(1).optional(),
  p2p: z.strictObject({
    listen: z.array(z.string().min(1)).min(1),
    /** Multiaddrs (with /p2p/<peer id>) of the other validators and observers. */
    peers: z.array(z.string().min(1)).default([]),
    /** Ed25519 public keys (hex) of observers allowed to connect besides validators. */
    observers: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
    /** How long a dial may take until the peer has identified over it (ms). */
    dialTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Liveness ping of every connection (ms); a peer that fails it is disconnected and re-dialed. */
    pingIntervalMs: z.number().int().min(100).max(600_000).default(10_000),
  }),
  rpc: z
    .strictObject({
      listen: hostPort,
      tls: z.strictObject({ cert: z.string(), key: z.string(), clientCa: z.string().optional() }).optional(),
      /** Plaintext RPC; only when said explicitly (loopback clusters, tests). */
      insecure: z.boolean().default(false),
    })
    .refine((r) => r.tls !== undefined || r.insecure, {
      message: 'set rpc.tls {cert, key[, clientCa]}, or rpc.insecure: true for plaintext',
    }),
  mgmt: z.strictObject({ listen: hostPort }),
  log: z.strictObject({ spec: z.string().default('info') }).default({ spec: 'info' }),
  /** Log files: each stream in its own rotated files in `dir` (runtime/log-files.ts); none when absent. */
  logs: z
    .strictObject({
      dir: z.string().min(1),
      maxSizeMb: z.number().min(0.01).max(10_240).default(defaultLogFiles.maxSizeMb),
      maxFiles: z.number().int().min(1).max(100_000).default(defaultLogFiles.maxFiles),
      maxDays: z.number().min(0.01).max(36_500).default(defaultLogFiles.maxDays),
    })
    .optional(),
  consensus: z
    .strictObject({
      /** Real time of one consensus tick (ms). */
      tickMs: z.number().int().min(5).max(1000).default(50),
    })
    .default({ tickMs: 50 }),
  mempool: z
    .strictObject({
      maxEnvelopes: z.number().int().min(1).max(10_000_000).default(200_000),
      maxBytes: z
        .number()
        .int()
        .min(1024)
        .max(8 * 1024 ** 3)
        .default(256 * 1024 ** 2),
    })
    .default({ maxEnvelopes: 200_000, maxBytes: 256 * 1024 ** 2 }),
});

export type NodeConfig = z.infer<typeof nodeConfigSchema>;
/** A config file as written: fields with a default may be left out. */
export type NodeConfigFile = z.input<typeof nodeConfigSchema>;

/** Reads and validates a config file; relative paths inside it are relative to the file. */
export function loadNodeConfig(path: string): NodeConfig {
  const { config: c, dir } = loadJsonConfig(
    path,
    nodeConfigSchema,
    (message) => new NodeError(NodeErrorCode.BadConfig, message),
  );
  const abs = resolvePathsAgainst(dir);
  return {
    ...c,
    dataDir: abs(c.dataDir),
    genesis: abs(c.genesis),
    keystore: abs(c.keystore),
    passphraseFile: c.passphraseFile === undefined ? undefined : abs(c.passphraseFile),
    logs: c.logs === undefined ? undefined : { ...c.logs, dir: abs(c.logs.dir) },
  };
}
