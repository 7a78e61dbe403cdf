// The node's config file: where its keys, genesis and data live, which addresses it listens on,
// who its peers are, and the tuning of each subsystem. Validated with zod; every error names the
// field and what was expected; an unknown (misspelled) field is an error, not silently ignored.
import { z } from 'zod';
import { loadJsonConfig, resolvePathsAgainst } from '../runtime/json-config.js';
import { defaultLogFiles } from '../runtime/log-files.js';
import { isLoopbackAddress } from '../runtime/loopback.js';
import { NodeError, NodeErrorCode } from './errors.js';
import { memoryConfigSchema, mempoolOverHeap } from './heap-cap.js';
import { alarmsConfigSchema, defaultAlarmsConfig } from './mgmt/alarms/config.js';
import { retainSchema } from './retention.js';

// One check, so that a bad address gets one message: the shape, then the port's range.
const hostPort = z
  .string()
  .refine(
    (s) => /^[A-Za-z0-9.\-:[\]]+:\d{1,5}$/.test(s) && Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535,
    'expected host:port with a port up to 65535, e.g. 127.0.0.1:7101',
  );

/** Where each port listens when the config does not say: this machine only (docs/operations.md). */
export const DEFAULT_LISTEN = {
  p2p: '/ip4/127.0.0.1/tcp/7000',
  rpc: '127.0.0.1:7001',
  mgmt: '127.0.0.1:7002',
} as const;

const mgmtSchema = z
  .strictObject({
    listen: hostPort.default(DEFAULT_LISTEN.mgmt),
    /** HTTPS with client certificates signed by clientCa; required off loopback. */
    tls: z.strictObject({ cert: z.string(), key: z.string(), clientCa: z.string() }).optional(),
  })
  .refine((m) => m.tls !== undefined || isLoopbackAddress(m.listen), {
    message:
      'mgmt.listen is off loopback: set mgmt.tls {cert, key, clientCa} (mutual TLS), or listen on 127.0.0.1',
  });

const nodeConfigFields = z.strictObject({
  /** Folder for the block log, indexes and consensus state. */
  dataDir: z.string().min(1),
  /** Path of the genesis file shared by every node of the chain. */
  genesis: z.string().min(1),
  /** Passphrase-encrypted keystore holding the validator's Ed25519 key. */
  keystore: z.string().min(1),
  /** File holding the keystore passphrase (mode 0600); else BKDMS_PASSPHRASE (runtime/passphrase.ts). */
  passphraseFile: z.string().min(1).optional(),
  p2p: z.strictObject({
    listen: z.array(z.string().min(1)).min(1).default([DEFAULT_LISTEN.p2p]),
    /** Multiaddrs (with /p2p/<peer id>) of the other validators and observers. */
    peers: z.array(z.string().min(1)).default([]),
    /**
     * Multiaddrs told to peers (identify) instead of the listen addresses: behind a NAT or a
     * proxy, the address others can reach; empty means the listen addresses.
     */
    announce: z.array(z.string().min(1)).default([]),
    /** Ed25519 public keys (hex) of observers allowed to connect besides validators. */
    observers: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
    /** How long a dial may take until the peer has identified over it (ms). */
    dialTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Liveness ping of every connected peer (ms). */
    pingIntervalMs: z.number().int().min(100).max(600_000).default(10_000),
    /**
     * Pings missed in a row (each unanswered within max(dialTimeoutMs, 5 s)) after which a peer
     * is disconnected and re-dialed; one stalled event loop must not drop every link.
     */
    pingMissesToClose: z.number().int().min(1).max(100).default(3),
  }),
  rpc: z
    .strictObject({
      listen: hostPort.default(DEFAULT_LISTEN.rpc),
      tls: z.strictObject({ cert: z.string(), key: z.string(), clientCa: z.string().optional() }).optional(),
      /** Plaintext RPC; only when said explicitly (loopback clusters, tests). */
      insecure: z.boolean().default(false),
    })
    .refine((r) => r.tls !== undefined || r.insecure, {
      message: 'set rpc.tls {cert, key[, clientCa]}, or rpc.insecure: true for plaintext',
    }),
  mgmt: mgmtSchema.default({ listen: DEFAULT_LISTEN.mgmt }),
  /** Organisation running the node, shown by GetNodeInfo (`bkdms node info`). */
  org: z.string().min(1).max(128).optional(),
  /** Who may make state-changing management calls besides the chain's admin keys (docs/operations.md). */
  admin: z
    .strictObject({
      /** SHA-256 fingerprints (hex, colons allowed) of mutual-TLS client certificates of administrators. */
      certSha256: z.array(z.string().regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/)).default([]),
      /** How far a signed request's time may be from the node's clock (ms). */
      signatureWindowMs: z.number().int().min(1000).max(600_000).default(60_000),
    })
    .default({ certSha256: [], signatureWindowMs: 60_000 }),
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
  /** State snapshots (docs/storage.md, Snapshots): how many to keep, how often to compare with peers. */
  snapshot: z
    .strictObject({
      keep: z.number().int().min(1).max(100).default(2),
      compareIntervalMs: z.number().int().min(1000).max(86_400_000).default(60_000),
    })
    .default({ keep: 2, compareIntervalMs: 60_000 }),
  /** Fault management: evaluation period, hold times, thresholds, webhook (docs/operations.md). */
  alarms: alarmsConfigSchema.default(defaultAlarmsConfig()),
  /**
   * Joining by state sync (docs/storage.md, "Joining by state sync"): a node whose store is empty
   * takes the newest verified snapshot from its peers and block-syncs from there instead of
   * replaying the chain. `trustHeight` + `trustHash` pin the certifying header (then only the
   * snapshot at trustHeight - 1 is taken); without them the header is verified through the
   * light-header chain from genesis.
   */
  stateSync: z
    .strictObject({
      enabled: z.boolean().default(false),
      trustHeight: z.number().int().min(2).optional(),
      trustHash: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
        .optional(),
      /** How long to wait for peers offering a snapshot before falling back to block replay (ms). */
      timeoutMs: z.number().int().min(1000).max(3_600_000).default(120_000),
      /**
       * A store that holds blocks but ends more than this many blocks below a verified snapshot
       * refuses to start, naming the way to join by state sync; absent: such a store replays.
       */
      maxBehind: z.number().int().min(1).optional(),
    })
    .refine((s) => (s.trustHeight === undefined) === (s.trustHash === undefined), {
      message: 'stateSync.trustHeight and stateSync.trustHash go together',
    })
    .default({ enabled: false, timeoutMs: 120_000 }),
  /** Block-body retention (docs/storage.md); absent: every body is kept. */
  retain: retainSchema.optional(),
  /**
   * V8 heap cap (docs/operations.md, "Memory"): `node start` re-executes itself with these flags;
   * absent: node's defaults. The mempool's byte cap must fit inside it (node/heap-cap.ts).
   */
  memory: memoryConfigSchema.optional(),
});

export const nodeConfigSchema = nodeConfigFields.superRefine((c, ctx) => {
  const why = c.memory === undefined ? undefined : mempoolOverHeap(c.memory, c.mempool.maxBytes);
  if (why !== undefined) ctx.addIssue({ code: 'custom', path: ['mempool', 'maxBytes'], message: why });
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
    ...(c.retain?.archiveDir === undefined
      ? {}
      : { retain: { ...c.retain, archiveDir: abs(c.retain.archiveDir) } }),
    rpc: {
      ...c.rpc,
      ...(c.rpc.tls === undefined
        ? {}
        : {
            tls: {
              cert: abs(c.rpc.tls.cert),
              key: abs(c.rpc.tls.key),
              ...(c.rpc.tls.clientCa === undefined ? {} : { clientCa: abs(c.rpc.tls.clientCa) }),
            },
          }),
    },
    mgmt: {
      ...c.mgmt,
      ...(c.mgmt.tls === undefined
        ? {}
        : {
            tls: { cert: abs(c.mgmt.tls.cert), key: abs(c.mgmt.tls.key), clientCa: abs(c.mgmt.tls.clientCa) },
          }),
    },
    logs: c.logs === undefined ? undefined : { ...c.logs, dir: abs(c.logs.dir) },
  };
}
