// Crypto benchmark: Ed25519 sign/verify on one thread with libsodium, node:crypto and
// @noble/ed25519 and through the worker pool; sealing and opening in both modes; Merkle roots.
// Guards (ratios in this run): pool verify vs single-thread libsodium verify, and session-key
// sealing vs ephemeral sealing. Sealing here is the encryption step on an already signed digest
// (the site signs once either way; signKpiDigest is measured on its own).
import { createHash, createPublicKey } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import * as noble from '@noble/ed25519';
import { SealAlgorithm } from '../codec/types.js';
import { aesGcmEncrypt } from '../crypto/aead.js';
import { signKpiDigest } from '../crypto/digest.js';
import { generateEd25519, sign, verify } from '../crypto/ed25519.js';
import { signNode, verifyNode } from '../crypto/ed25519-node.js';
import { keyIdOf } from '../crypto/key-id.js';
import { merkleRoot } from '../crypto/merkle.js';
import { type OpenKeys, openPacket } from '../crypto/open.js';
import { type SealTarget, sealPacket } from '../crypto/seal.js';
import { acceptSession, createSession } from '../crypto/session-key.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import { generateX25519 } from '../crypto/x25519.js';
import { bestRates, loopVerifyRate, poolVerifyRate, signedItems } from '../devnet/load/crypto-verify-rate.js';
import {
  type BenchOptions,
  type BenchReport,
  guard,
  printGuards,
  writeReport,
} from '../testkit/bench-report.js';
import { runSuite } from './suite.js';

noble.hashes.sha512 = (m: Uint8Array) => new Uint8Array(createHash('sha512').update(m).digest());

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function sealingCases(): Record<string, () => void> {
  const site = generateEd25519();
  const scp = generateX25519();
  const siteX = generateX25519();
  const now = Date.now();
  const { offer, session } = createSession(siteX, scp.publicKey, now, 3_600_000);
  const scpSession = acceptSession(scp, offer, now);
  const record = Uint8Array.from({ length: 160 }, (_, i) => i);
  const aad = Uint8Array.from({ length: 100 }, (_, i) => 255 - i);
  const signed = signKpiDigest(site, record);
  const eph: SealTarget = { alg: SealAlgorithm.EphemeralX25519, scpPublicKey: scp.publicKey };
  const ses: SealTarget = { alg: SealAlgorithm.SessionKey, session, now };
  const keys: OpenKeys = {
    scpKey: (id) => (keyIdOf(scp.publicKey).every((b, i) => b === id[i]) ? scp : undefined),
    session: () => scpSession,
  };
  const ephPacket = sealPacket({ record, signed, aad, target: eph });
  const sesPacket = sealPacket({ record, signed, aad, target: ses });
  const opens = (p: typeof ephPacket) => () => {
    if (!openPacket(p, aad, site.publicKey, keys).ok) throw new Error('benchmark packet failed to open');
  };
  const key = new Uint8Array(32).fill(1);
  const nonce = new Uint8Array(12);
  return {
    'aes-256-gcm 160 B (baseline)': () => aesGcmEncrypt(key, nonce, aad, record),
    'signKpiDigest (site, libsodium)': () => signKpiDigest(site, record),
    'seal ephemeral X25519': () => sealPacket({ record, signed, aad, target: eph }),
    'seal session key': () => sealPacket({ record, signed, aad, target: ses }),
    'open ephemeral X25519': opens(ephPacket),
    'open session key': opens(sesPacket),
  };
}

export async function runCryptoBench(opts: BenchOptions): Promise<BenchReport> {
  const loadBefore = loadavg()[0];
  const key = generateEd25519();
  const msg = Uint8Array.from({ length: 200 }, (_, i) => i);
  const sig = sign(key, msg);
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(key.publicKey).toString('base64url') };
  const der = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'der', type: 'spki' });
  const leaves = (n: number) =>
    Array.from({ length: n }, (_, i) => createHash('sha256').update(`${i}`).digest());
  const [l1k, l10k] = [leaves(1000), leaves(10_000)];
  const seals = sealingCases();
  const ops = runSuite(
    'crypto',
    {
      'sign libsodium': () => sign(key, msg),
      'sign node:crypto': () => signNode(key, msg),
      'verify libsodium': () => verify(key.publicKey, msg, sig),
      'verify node:crypto (cached JWK key)': () => verifyNode(key.publicKey, msg, sig),
      'verify @noble/ed25519': () => noble.verify(sig, msg, key.publicKey),
      // Why node:crypto's path caches parsed keys, and parses them from JWK.
      'node:crypto key import JWK': () => createPublicKey({ key: jwk, format: 'jwk' }),
      'node:crypto key import DER': () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
      ...seals,
      'merkle root 1,000 leaves': () => merkleRoot(l1k),
      'merkle root 10,000 leaves': () => merkleRoot(l10k),
    },
    opts,
  );

  // Pool against one thread on the same items, in adjacent pairs over several rounds; the guard
  // takes the median of the paired ratios. On a shared machine the CPU on offer drifts over
  // seconds, so only measurements taken side by side are compared.
  const items = signedItems(opts.ci ? 6000 : 12_000);
  const pool = new VerifyPool();
  await poolVerifyRate(pool, items.slice(0, 2000), 500, 4);
  const ratios: number[] = [];
  let single = 0;
  let pooled = 0;
  for (let round = 0; round < (opts.ci ? 3 : 7); round++) {
    const s1 = loopVerifyRate(verify, items, opts.ci ? 300 : 500);
    const p1 = await poolVerifyRate(pool, items, 500, 2 * pool.workerCount);
    ratios.push(p1 / s1);
    single = Math.max(single, s1);
    pooled = Math.max(pooled, p1);
  }
  await pool.close();
  const poolRatio = median(ratios);
  const poolResults = {
    cores: availableParallelism(),
    workers: pool.workerCount,
    bestSingleThread: single,
    bestPool: pooled,
    pairedRatios: ratios,
  };
  process.stdout.write(
    `  crypto › pool verify best ${pooled.toFixed(0)} ops/s, one thread best ${single.toFixed(0)} ops/s, ` +
      `paired ratios ${ratios.map((x) => x.toFixed(2)).join(' ')}\n`,
  );

  const r = (name: string) => ops[name] ?? Number.NaN;
  const sealPair = bestRates(
    { session: seals['seal session key']!, ephemeral: seals['seal ephemeral X25519']! },
    opts.ci ? 3 : 5,
    opts.ci ? 150 : 400,
  );
  const report: BenchReport = {
    name: 'crypto',
    results: {
      opsPerSec: ops,
      verifyPool: poolResults,
      sealAlternated: sealPair,
      loadAverage: { before: loadBefore, after: loadavg()[0], cores: availableParallelism() },
      keyImportJwkOverDer: r('node:crypto key import JWK') / r('node:crypto key import DER'),
      verifyEngine: {
        chosen: 'libsodium',
        libsodiumOverNode: r('verify libsodium') / r('verify node:crypto (cached JWK key)'),
      },
    },
    // Goal 1.8x on 2 cores; measured 1.58-1.87x on a near-idle machine of this kind (the main thread
    // and the event loop share the cores with the two workers). 1.45 catches a pool that stops
    // scaling (1.0x) without failing on that noise.
    guards: [
      guard('pool verify / single-thread verify (median of paired runs)', poolRatio, 1.45),
      guard('seal session / seal ephemeral', sealPair.session! / sealPair.ephemeral!, 4.5),
    ],
  };
  printGuards(report.guards);
  writeReport(report);
  return report;
}
