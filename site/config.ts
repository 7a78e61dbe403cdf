// The site's JSON config, validated with zod so that a typo is reported by its path ("sources.1.
// port: expected number") instead of surfacing later as a confusing failure. Every tunable has a
// default in defaultSiteOptions; a minimal config names the site, its identity, its keystore,
// the chain and its sources.
import { z } from 'zod';
import { loadJsonConfig, parseConfig, resolvePathsAgainst } from '../runtime/json-config.js';
import { isLoopbackHost } from '../runtime/loopback.js';
import { keystoreRefSchema, PassphraseEnv } from '../runtime/passphrase.js';
import { SiteError, SiteErrorCode } from './errors.js';
import { DEFAULT_MAX_REMAKES } from './remaker.js';

export const defaultSiteOptions = {
  /** Processing period: readings are consolidated into one record per period. One hour. */
  periodMs: 3_600_000,
  /** A period is sealed this long after it ends, to let stragglers in. */
  closeAfterMs: 60_000,
  /** How often closed periods are looked for, ms. */
  sealEveryMs: 1_000,
  /** Progress line interval on a terminal, ms (0 = never). */
  progressMs: 2_000,
  maxSpoolBytes: 256 * 1024 * 1024,
  outbox: { maxEntries: 100_000, maxBytes: 512 * 1024 * 1024 },
  upload: {
    maxBatch: 256,
    receiptPollMs: 1_000,
    maxReceiptsPerStep: 256,
    backoff: { baseMs: 250, maxMs: 30_000, jitter: 0.5 },
    /** Most times one reading is re-made under a new seq after the chain refused it as replayed. */
    maxRemakes: DEFAULT_MAX_REMAKES,
  },
  /** Session keys are renegotiated this long before they expire, ms. */
  sessionRenewBeforeMs: 60_000,
  sessionTtlMs: 24 * 3_600_000,
};

const lineFile = {
  name: z.string().min(1).max(64),
  path: z.string().min(1),
  follow: z.boolean().default(false),
  pollMs: z.number().int().positive().default(1_000),
  batchLines: z.number().int().positive().max(100_000).default(1_000),
  maxLineBytes: z
    .number()
    .int()
    .positive()
    .max(1024 * 1024)
    .default(16 * 1024),
};
const fieldMap = z
  .object({
    kpi: z.string(),
    series: z.string(),
    value: z.string(),
    unit: z.string(),
    time: z.string(),
    id: z.string(),
    flags: z.string(),
  })
  .partial();
/** Reading field -> column name (or constant value), for sources whose columns are named otherwise. */
export type FieldMap = z.infer<typeof fieldMap>;

/** Unquoted PostgreSQL names: the source quotes them, so they are matched exactly (case included). */
const pgIdentifier = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const pgTableName = /^([A-Za-z_][A-Za-z0-9_$]{0,62}\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

export const sourceConfigSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('csv'),
      ...lineFile,
      delimiter: z.string().length(1).default(','),
      columns: fieldMap.default({}),
      constants: fieldMap.default({}),
    })
    .strict(),
  z.object({ type: z.literal('jsonl'), ...lineFile }).strict(),
  z
    .object({
      type: z.literal('http'),
      name: z.string().min(1).max(64),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535),
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .default(1024 * 1024),
      maxReadings: z.number().int().positive().default(5_000),
      maxQueued: z.number().int().positive().default(64),
      /** File whose first line is the bearer token every request must carry (mode 0600). */
      tokenFile: z.string().min(1).optional(),
      /** HTTPS with client certificates signed by clientCa. */
      tls: z.strictObject({ cert: z.string(), key: z.string(), clientCa: z.string() }).optional(),
    })
    .strict()
    .refine((h) => isLoopbackHost(h.host) || h.tokenFile !== undefined || h.tls !== undefined, {
      message:
        'an http source off loopback needs tokenFile (bearer token) or tls {cert, key, clientCa}; or host 127.0.0.1',
    }),
  z
    .object({
      type: z.literal('sql'),
      name: z.string().min(1).max(64),
      path: z.string().min(1),
      query: z.string().min(1),
      initialCursor: z.string().default('0'),
      follow: z.boolean().default(false),
      pollMs: z.number().int().positive().default(5_000),
      batchRows: z.number().int().positive().default(1_000),
      maxDbBytes: z
        .number()
        .int()
        .positive()
        .default(256 * 1024 * 1024),
    })
    .strict(),
  z
    .object({
      type: z.literal('pg'),
      name: z.string().min(1).max(64),
      /** postgresql://user[:password]@host[:port]/database[?sslmode=…] */
      url: z.string().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL'),
      /** Variable holding the password, to keep it out of the config file (wins over the URL's). */
      passwordEnv: z.string().min(1).optional(),
      /** Read this table or view ([schema.]name)... */
      table: z.string().regex(pgTableName, 'must be [schema.]name of letters, digits, _ and $').optional(),
      /** ...or this SELECT (no trailing semicolon); the source adds the cursor filter, order and limit. */
      query: z.string().min(1).optional(),
      /** Column that orders the rows: unique, increasing in the order rows are committed. */
      cursorColumn: z.string().regex(pgIdentifier, 'must be a column name of letters, digits, _ and $'),
      /** Read only rows with cursor > this on the first run; every row when absent. */
      initialCursor: z.string().min(1).optional(),
      columns: fieldMap.default({}),
      constants: fieldMap.default({}),
      follow: z.boolean().default(false),
      pollMs: z.number().int().positive().default(5_000),
      /** Rows per query (one page = one batch): bounds the memory a poll takes. */
      batchRows: z.number().int().positive().max(10_000).default(1_000),
      connectTimeoutMs: z.number().int().positive().default(10_000),
      queryTimeoutMs: z.number().int().positive().default(30_000),
      /** Reconnect delays while the database is unreachable. */
      backoff: z
        .object({
          baseMs: z.number().positive(),
          maxMs: z.number().positive(),
          jitter: z.number().min(0).max(1),
        })
        .strict()
        .default({ baseMs: 500, maxMs: 30_000, jitter: 0.5 }),
    })
    .strict()
    .refine((s) => (s.table === undefined) !== (s.query === undefined), {
      message: 'give exactly one of table and query',
    }),
]);

export type SourceConfig = z.infer<typeof sourceConfigSchema>;

const d = defaultSiteOptions;
export const siteConfigSchema = z
  .object({
    name: z.string().min(1).max(64),
    /** Folder of the spool, outbox and state; relative paths are relative to the config file. */
    dataDir: z.string().min(1),
    /** The site's Ed25519 keystore; its passphrase from a 0600 file or BKDMS_PASSPHRASE. */
    keystore: keystoreRefSchema(PassphraseEnv.Default),
    identity: z
      .object({
        country: z.number().int().min(1).max(999),
        /** "locode:CNSHA", "national:310000" or "geonames:1796236" (kpi/'s city notation). */
        city: z.string().min(3).max(40),
        /** IPv6 or IPv4 address of the site. */
        siteId: z.string().min(2).max(45),
      })
      .strict(),
    chain: z
      .object({
        /** host:port of one or more nodes' RPC servers, tried in order. */
        endpoints: z.array(z.string().min(3)).min(1),
        /** PEM CA file for TLS; the system roots when absent (plaintext only with `insecure`). */
        tlsCa: z.string().optional(),
        deadlineMs: z.number().int().positive().default(5_000),
        /**
         * The chain's genesis file: the trust anchor (chain ID and genesis validator set) every
         * answer of a node is verified against. This or `anchor` is required to run.
         */
        genesis: z.string().min(1).optional(),
        /** Instead of `genesis`: a pinned anchor file {"chainId", "validators"} (docs/site.md). */
        anchor: z.string().min(1).optional(),
        /** Hex SHA-256 of the genesis file: optional, checked against the anchor when given. */
        chainId: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
        /** Plaintext RPC, only for local clusters and tests (TLS otherwise). */
        insecure: z.boolean().default(false),
      })
      .strict(),
    sources: z.array(sourceConfigSchema).min(1),
    seal: z.enum(['session', 'ephemeral']).default('session'),
    periodMs: z.number().int().min(1_000).default(d.periodMs),
    closeAfterMs: z.number().int().nonnegative().default(d.closeAfterMs),
    sealEveryMs: z.number().int().positive().default(d.sealEveryMs),
    progressMs: z.number().int().nonnegative().default(d.progressMs),
    maxSpoolBytes: z.number().int().positive().default(d.maxSpoolBytes),
    outbox: z
      .object({ maxEntries: z.number().int().positive(), maxBytes: z.number().int().positive() })
      .strict()
      .default(d.outbox),
    upload: z
      .object({
        maxBatch: z.number().int().positive().max(1024),
        receiptPollMs: z.number().int().positive(),
        maxReceiptsPerStep: z.number().int().positive(),
        backoff: z
          .object({
            baseMs: z.number().positive(),
            maxMs: z.number().positive(),
            jitter: z.number().min(0).max(1),
          })
          .strict(),
        // Optional in the type (configs built in code may omit it); the runtime applies the default.
        maxRemakes: z.number().int().nonnegative().max(100).optional(),
      })
      .strict()
      .default(d.upload),
    sessionTtlMs: z.number().int().positive().default(d.sessionTtlMs),
    sessionRenewBeforeMs: z.number().int().nonnegative().default(d.sessionRenewBeforeMs),
    /** Stop once every one-shot source is read, every period sealed and the outbox is empty (demo, batch jobs). */
    exitWhenDrained: z.boolean().default(false),
  })
  .strict()
  .refine((c) => new Set(c.sources.map((s) => s.name)).size === c.sources.length, {
    message: 'source names must be unique',
    path: ['sources'],
  });

export type SiteConfig = z.infer<typeof siteConfigSchema>;

const badConfig = (message: string): SiteError => new SiteError(SiteErrorCode.BadConfig, message);

/** Validates a parsed config object; throws BAD_CONFIG listing every problem by path. */
export function parseSiteConfig(obj: unknown): SiteConfig {
  return parseConfig(obj, siteConfigSchema, badConfig, 'site config');
}

/** Reads and validates a config file; relative paths inside it become relative to its folder. */
export function loadSiteConfig(path: string): SiteConfig {
  const { config: c, dir } = loadJsonConfig(path, siteConfigSchema, badConfig);
  const at = resolvePathsAgainst(dir);
  return {
    ...c,
    dataDir: at(c.dataDir),
    keystore: {
      ...c.keystore,
      path: at(c.keystore.path),
      ...(c.keystore.passphraseFile ? { passphraseFile: at(c.keystore.passphraseFile) } : {}),
    },
    chain: {
      ...c.chain,
      ...(c.chain.tlsCa ? { tlsCa: at(c.chain.tlsCa) } : {}),
      ...(c.chain.genesis ? { genesis: at(c.chain.genesis) } : {}),
      ...(c.chain.anchor ? { anchor: at(c.chain.anchor) } : {}),
    },
    sources: c.sources.map((s) => {
      if ('path' in s) return { ...s, path: at(s.path) };
      if (s.type !== 'http') return s;
      return {
        ...s,
        ...(s.tokenFile === undefined ? {} : { tokenFile: at(s.tokenFile) }),
        ...(s.tls === undefined
          ? {}
          : { tls: { cert: at(s.tls.cert), key: at(s.tls.key), clientCa: at(s.tls.clientCa) } }),
      };
    }),
  };
}
