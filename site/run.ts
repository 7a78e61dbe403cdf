// `bkdms site run --config <file>` lands here: build the real parts of a site from its config
// (keystore, identity, chain client, sources, kpi/ normalizer, sealing) and start it.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BkdmsClient } from '../api/client.js';
import { LightClient } from '../api/light-client.js';
import { LightClientFile } from '../api/light-client-file.js';
import { MAX_KPI_ENTRIES } from '../codec/caps.js';
import { ed25519Of } from '../crypto/key-formats.js';
import { keyIdOf } from '../crypto/key-id.js';
import { readKeystore } from '../crypto/keystore.js';
import { parseCityCode, parseSiteId } from '../kpi/index.js';
import { createLogs, type Logger } from '../runtime/log.js';
import { resolvePassphrase } from '../runtime/passphrase.js';
import { ChainCache } from './chain-cache.js';
import { ChainUploader } from './chain-uploader.js';
import type { SiteConfig } from './config.js';
import { SignedEnvelopeMaker } from './envelope-maker.js';
import { SiteError, SiteErrorCode } from './errors.js';
import { kpiNormalizer } from './kpi-normalizer.js';
import { NodeReports } from './node-reports.js';
import type { SiteIdentity } from './parts.js';
import { type SiteHandle, startSite } from './runtime.js';
import { type ScpKey, SealKeys } from './seal-keys.js';
import { sourceFromConfig } from './sources/from-config.js';

export interface RunSiteOptions {
  /** Passphrase of the keystore; from the config's passphrase file or variable when absent. */
  passphrase?: string;
  /** Where log lines go; JSON lines on stderr (siteLogger) when absent. */
  log?: Logger;
  /** Progress line sink; stdout when it is a terminal, none otherwise, when absent. */
  print?: (line: string) => void;
  /**
   * The trust anchor loaded from `chain.genesis` or `chain.anchor` (cli/trust-anchor.ts
   * siteAnchorOf): the chain ID and genesis validator set. Required: without it nothing a node
   * says can be verified, and the site refuses to start.
   */
  anchor?: SiteAnchor;
}

export interface SiteAnchor {
  chainId: Uint8Array;
  validators: readonly Uint8Array[];
  /**
   * The genesis SCP keys (with `chain.genesis`): used only while every node says no block has
   * committed yet, when no state proof exists; the genesis file is trusted like the anchor.
   */
  genesisScpKeys?: ScpKey[];
}

/** BAD_CONFIG unless the site has a trust anchor that agrees with a configured chain ID. */
export function requireAnchor(config: SiteConfig, anchor: SiteAnchor | undefined): SiteAnchor {
  if (anchor === undefined)
    throw new SiteError(
      SiteErrorCode.BadConfig,
      "no trust anchor: set chain.genesis (path of the chain's genesis file) or chain.anchor in the site config; " +
        'the site takes the chain ID and validator set from it, never from a node',
    );
  if (
    config.chain.chainId !== undefined &&
    config.chain.chainId !== Buffer.from(anchor.chainId).toString('hex')
  )
    throw new SiteError(
      SiteErrorCode.BadConfig,
      'chain.chainId is not the chain ID of chain.genesis/chain.anchor',
    );
  return anchor;
}

/** Validates the identity fields with kpi/'s helpers; BAD_CONFIG on a bad city or address. */
export function siteIdentity(c: SiteConfig['identity']): SiteIdentity {
  try {
    return { country: c.country, city: parseCityCode(c.city), siteId: parseSiteId(c.siteId) };
  } catch (err) {
    throw new SiteError(SiteErrorCode.BadConfig, `identity: ${(err as Error).message}`);
  }
}

/** The site's log: JSON lines on stderr, secret-named fields redacted (runtime/log.ts). */
export function siteLogger(name: string): Logger {
  return createLogs({ destination: 'stderr', base: { name: `site:${name}` } }).root;
}

export async function runSite(config: SiteConfig, opts: RunSiteOptions = {}): Promise<SiteHandle> {
  const anchor = requireAnchor(config, opts.anchor);
  const passphrase =
    opts.passphrase ??
    resolvePassphrase(config.keystore, {
      fileHint: 'set keystore.passphraseFile',
      makeError: (_code, message) => new SiteError(SiteErrorCode.BadConfig, message),
    });
  const raw = await readKeystore(config.keystore.path, passphrase);
  if (raw.crv !== 'Ed25519')
    throw new SiteError(SiteErrorCode.BadConfig, 'the site keystore must hold an Ed25519 key');
  const siteKey = ed25519Of(raw);
  const identity = siteIdentity(config.identity);
  const tls = config.chain.insecure
    ? ({ insecure: true } as const)
    : config.chain.tlsCa
      ? { ca: readFileSync(config.chain.tlsCa) }
      : {};
  const nodes = config.chain.endpoints.map((address) => ({
    name: address,
    // One quick retry inside the client; longer outages are the upload loop's backoff, which the status shows.
    client: new BkdmsClient({ address, tls, deadlineMs: config.chain.deadlineMs, retry: { maxAttempts: 2 } }),
  }));
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const cache = new ChainCache(join(config.dataDir, 'chain.json'));
  const log = opts.log ?? siteLogger(config.name);
  // What the light client proved about validator sets survives a restart (dataDir/light-client.json).
  const light = new LightClient(anchor, new LightClientFile(join(config.dataDir, 'light-client.json')));
  const reports = new NodeReports(log);
  const chain = new ChainUploader(
    nodes,
    keyIdOf(siteKey.publicKey),
    cache,
    light,
    reports,
    anchor.genesisScpKeys,
  );
  const sealKeys = new SealKeys(chain, {
    mode: config.seal,
    sessionTtlMs: config.sessionTtlMs,
    renewBeforeMs: config.sessionRenewBeforeMs,
    directoryTtlMs: 60_000,
  });
  const print =
    opts.print ??
    (process.stdout.isTTY ? (line: string) => process.stdout.write(`\r${line}\u001b[K`) : undefined);
  const handle = await startSite(
    {
      makeSources: (cursors) => config.sources.map((s) => sourceFromConfig(s, cursors[s.name])),
      normalizer: kpiNormalizer(() => chain.allowedCodes()),
      maker: new SignedEnvelopeMaker(siteKey, () => chain.chainId(), sealKeys),
      uploader: chain,
      identity,
      seqFloor: () => chain.seqFloor(),
      nodeReports: () => reports.snapshot(),
    },
    {
      name: config.name,
      dataDir: config.dataDir,
      periodMs: config.periodMs,
      closeAfterMs: config.closeAfterMs,
      sealEveryMs: config.sealEveryMs,
      progressMs: config.progressMs,
      maxSpoolBytes: config.maxSpoolBytes,
      maxEntriesPerRecord: MAX_KPI_ENTRIES,
      outbox: config.outbox,
      upload: config.upload,
      exitWhenDrained: config.exitWhenDrained,
    },
    { now: Date.now, rand: Math.random, log, ...(print ? { print } : {}) },
  );
  handle.done
    .finally(() => {
      chain.close();
      // The terminal progress line is redrawn in place: end it so the shell prompt starts clean.
      if (opts.print === undefined && print !== undefined) process.stdout.write('\n');
    })
    .catch(() => undefined);
  return handle;
}
