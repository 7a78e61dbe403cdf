// The `bkdms` command end to end as an operator runs it: the compiled CLI in
// real processes on 127.0.0.1. `cluster up` on a base port prints its nodes' addresses; `status`
// reads one; a site registered with `platform admin register-site` uploads envelopes whose
// `trace` verifies offline against the genesis; `suspend-site`/`resume-site` take effect; Ctrl-C
// (SIGINT to the whole process group, as a terminal sends it) stops every node and frees its
// ports (`cluster down` is cli.long.test.ts, in `npm run test:long`). Every wait is on a process's
// output line, its exit, or a committed block.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BkdmsClient } from '../../api/client.js';
import { ApiError } from '../../api/errors.js';
import { UploadStatus } from '../../api/types.js';
import { decodeBlockHeader } from '../../codec/block.js';
import { decodeCertifiedBlock } from '../../codec/certificate.js';
import { toHex } from '../../crypto/bytes.js';
import { generateEd25519 } from '../../crypto/ed25519.js';
import { tracingCode } from '../../crypto/hash.js';
import { keyIdOf } from '../../crypto/key-id.js';
import type { ClusterLayout } from '../../devnet/layout.js';
import { syntheticEnvelope, syntheticSite } from '../../testkit/envelopes.js';
import { bkdms, CALL_MS, portFree, Supervised } from '../support/bkdms-cli.js';

/**
 * A base port whose `count` consecutive ports are free. It is drawn below the kernel's ephemeral
 * range, which the OS hands out for outgoing connections and port-0 listeners (other test files'
 * clusters), so only a process binding fixed ports could take it before the cluster does.
 */
async function freeBasePort(count: number): Promise<number> {
  const [low = 32768] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (low - 10_000 - count));
    const free = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports below ${low}`);
}

/** Resolves with the heights at which all of `codes` (hex) commit, following the node's blocks. */
async function committedAt(client: BkdmsClient, codes: string[]): Promise<Map<string, number>> {
  const pending = new Set(codes);
  const at = new Map<string, number>();
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), CALL_MS);
  try {
    for await (const ev of client.subscribeBlocks(1, ac.signal)) {
      for (const env of decodeCertifiedBlock(ev.certifiedBlock).block.envelopes) {
        const tc = toHex(tracingCode(env));
        if (pending.delete(tc)) at.set(tc, ev.height);
      }
      if (pending.size === 0) return at;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  throw new Error(`not committed within ${CALL_MS} ms: ${[...pending].join(', ')}`);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return err instanceof ApiError ? err.code : String(err);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bkdms-cli-it-'));
const clusterDir = join(dir, 'cluster');
const N = 4;
let base = 0;
let up: Supervised;
let layout: ClusterLayout;
let client: BkdmsClient;

beforeAll(async () => {
  base = await freeBasePort(3 * N);
  up = new Supervised(['cluster', 'up', '-n', String(N), '--dir', clusterDir, '--base-port', String(base)]);
  await up.line(/^cluster up; Ctrl-C stops every node$/);
  layout = JSON.parse(readFileSync(join(clusterDir, 'cluster.json'), 'utf8')) as ClusterLayout;
  client = new BkdmsClient({
    address: `127.0.0.1:${base + 1}`,
    tls: { insecure: true },
    deadlineMs: CALL_MS,
  });
}, 60_000);

afterAll(() => {
  client?.close();
  up?.kill();
  if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('bkdms cluster up -n 4 --base-port', () => {
  it("prints every node's RPC and metrics address, on the ports the base gives", async () => {
    for (let i = 0; i < N; i++) {
      const p = base + 3 * i;
      const line = up.lines.find((l) => l.trimStart().startsWith(`node ${i}:`));
      expect(line, up.lines.join('\n')).toContain(`rpc 127.0.0.1:${p + 1}`);
      expect(line).toContain(`metrics http://127.0.0.1:${p + 2}/metrics`);
    }
    // The printed metrics address is a live Prometheus endpoint.
    const node0 = up.lines.find((l) => l.trimStart().startsWith('node 0:'))!;
    const metrics = node0.match(/metrics (\S+)/)![1]!;
    const res = await fetch(metrics);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^bkdms_block_height\{node="0"\} \d+$/m);
  });

  it('bkdms status shows the chain, height and view of the node asked', async () => {
    const r = await bkdms(['status', '--rpc', `127.0.0.1:${base + 3 * 2 + 1}`]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s.chainId).toBe(layout.chainId);
    expect(s.selfIndex).toBe(2);
    expect(Number.isInteger(s.height) && (s.height as number) >= 0).toBe(true);
    expect(Number.isInteger(s.view) && (s.view as number) >= 0).toBe(true);
    expect(s.validators).toEqual(layout.nodes.map((n) => n.publicKey));
  });

  describe('with a site registered by platform admin', () => {
    const site = syntheticSite(0, generateEd25519());
    const keyId = toHex(keyIdOf(site.key.publicKey));
    const platformConfig = join(dir, 'platform.json');
    let scpPublicKey: Uint8Array;
    let seq = 0;
    const upload = () =>
      client.upload(
        syntheticEnvelope(site, Buffer.from(layout.chainId, 'hex'), scpPublicKey, ++seq, Date.now()),
      );
    const admin = async (args: string[]) => {
      const r = await bkdms(['platform', 'admin', ...args, '--config', platformConfig]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { tracingCode: string; height: number };
    };

    beforeAll(async () => {
      // The platform's encryption key, made with keys gen under the cluster's passphrase.
      const passphrase = readFileSync(layout.passphraseFile, 'utf8').trim();
      const gen = await bkdms(['keys', 'gen', '--type', 'x25519', '--out', join(dir, 'scp.key')], {
        BKDMS_PASSPHRASE: passphrase,
      });
      expect(gen.code, gen.stderr).toBe(0);
      scpPublicKey = Buffer.from((JSON.parse(gen.stdout) as { publicKey: string }).publicKey, 'hex');
      const keystore = (path: string) => ({ path, passphraseFile: layout.passphraseFile });
      writeFileSync(
        platformConfig,
        JSON.stringify({
          dataDir: join(dir, 'platform'),
          genesis: layout.genesisPath,
          chain: { endpoints: [`127.0.0.1:${base + 1}`], insecure: true },
          encryptionKeys: [keystore(join(dir, 'scp.key'))],
          admin: keystore(layout.adminKeystore),
        }),
      );
      const reg = await admin([
        'register-site',
        '--public-key',
        toHex(site.key.publicKey),
        '--country',
        String(site.country),
        '--city',
        `locode:${site.city.code}`,
        '--site-id',
        site.address,
        '--kpi',
        '21101',
        '21202',
      ]);
      expect(reg.height).toBeGreaterThan(0);
    }, 60_000);

    it('uploads commit and bkdms trace verifies each bundle offline against the genesis', async () => {
      // register-site returned once its call committed: the site is active on that node.
      expect((await client.getSite(keyIdOf(site.key.publicKey))).status).toBe(1);
      const results = await Promise.all([upload(), upload(), upload()]);
      for (const r of results) expect(r.status, r.message).toBe(UploadStatus.Accepted);
      const codes = results.map((r) => toHex(r.tracingCode));
      const heights = await committedAt(client, codes);
      // Each asked of another node than the one uploaded to, trusting only the genesis file.
      const rpcs = codes.map((_, i) => `127.0.0.1:${base + 3 * (1 + (i % 3)) + 1}`);
      const saved = join(dir, 'bundle-0.bin');
      for (const [i, code] of codes.entries()) {
        const r = await bkdms([
          'trace',
          code,
          '--rpc',
          rpcs[i]!,
          '--genesis',
          layout.genesisPath,
          '--json',
          ...(i === 0 ? ['--out', saved] : []),
        ]);
        expect(r.code, r.stderr).toBe(0);
        const t = JSON.parse(r.stdout) as Record<string, unknown>;
        expect(t).toMatchObject({ tracingCode: code, verified: true, height: heights.get(code) });
        expect(t.trustAnchor).toBe(`genesis ${layout.genesisPath}`);
      }
      // A saved bundle verifies again with no node at all.
      const v = await bkdms(['verify', saved, '--genesis', layout.genesisPath, '--json']);
      expect(v.code, v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({
        tracingCode: codes[0],
        verified: true,
        height: heights.get(codes[0]!),
      });
      // A node proves the site's registration (committed before these uploads' blocks).
      const st = await bkdms(['state', `site/${keyId}`, '--rpc', rpcs[1]!, '--genesis', layout.genesisPath]);
      expect(st.code, st.stderr).toBe(0);
      const proven = JSON.parse(st.stdout) as {
        verified: boolean;
        entries: { value: { publicKey: string } }[];
      };
      expect(proven.verified).toBe(true);
      expect(proven.entries.map((e) => e.value.publicKey)).toEqual([toHex(site.key.publicKey)]);
      // docs/wire-format.md §6: block 1's parent hash is the chain ID.
      const first = decodeCertifiedBlock(await client.getBlock(1));
      expect(toHex(first.block.header.parentHash)).toBe(layout.chainId);
    }, 60_000);

    it("bkdms verify-chain checks a node's headers from genesis, and refuses them under another genesis", async () => {
      const rpc = `127.0.0.1:${base + 3 * 3 + 1}`;
      // Up to the block below the tip: its log root is in the tip's header, which every node has.
      const tip = (await client.getStatus()).height;
      const to = tip - 1;
      const r = await bkdms([
        'verify-chain',
        '--genesis',
        layout.genesisPath,
        '--rpc',
        rpc,
        '--to',
        String(to),
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const v = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(v).toMatchObject({
        ok: true,
        from: 1,
        to,
        verified: to,
        firstBad: null,
        chainId: layout.chainId,
      });
      const page = await client.getHeaders({ fromHeight: tip, toHeight: tip });
      expect(v.logRoot).toBe(toHex(decodeBlockHeader(page.headers[0]!.header).hashLogRoot));
      // A tampered genesis (another chain ID): the first header is refused, exit code 1.
      const g = JSON.parse(readFileSync(layout.genesisPath, 'utf8')) as Record<string, unknown>;
      const other = join(dir, 'renamed-genesis.json');
      writeFileSync(other, JSON.stringify({ ...g, chainName: `${String(g.chainName)}-other` }));
      const bad = await bkdms(['verify-chain', '--genesis', other, '--rpc', rpc, '--to', '3']);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('BAD at height 1: WRONG_CHAIN');
    }, 60_000);

    it('bkdms trace fails for an unknown code and for a genesis of other validators', async () => {
      const rpc = `127.0.0.1:${base + 1}`;
      const unknown = await bkdms(['trace', 'ab'.repeat(32), '--rpc', rpc]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('NOT_FOUND');
      // A genesis naming other validators: the node's certificate must not satisfy it.
      const other = join(dir, 'other-genesis.json');
      const key = () => toHex(generateEd25519().publicKey);
      const init = await bkdms([
        'genesis',
        'init',
        '--out',
        other,
        '--chain-name',
        'other',
        ...[key(), key(), key(), key()].flatMap((v) => ['--validator', v]),
        '--admin',
        key(),
      ]);
      expect(init.code, init.stderr).toBe(0);
      const code = toHex((await upload()).tracingCode);
      await committedAt(client, [code]);
      // Its chain ID is another too: the first check that fails is the chain's.
      const forged = await bkdms(['trace', code, '--rpc', rpc, '--genesis', other]);
      expect(forged.code).toBe(1);
      expect(forged.stdout).toMatch(/^NOT VERIFIED: /);
      expect(forged.stdout).toContain('reason: WRONG_CHAIN');
      expect(forged.stdout).not.toContain('verified: true');
      // No trust anchor at all: the node's word is not shown as verified.
      const bare = await bkdms(['trace', code, '--rpc', rpc, '--json']);
      expect(bare.code).toBe(1);
      expect(JSON.parse(bare.stdout)).toMatchObject({ verified: false, reason: 'NO_TRUST_ANCHOR' });
    }, 60_000);

    it('suspend-site refuses the site, resume-site lets it upload again', async () => {
      await admin(['suspend-site', keyId]);
      expect((await client.getSite(keyIdOf(site.key.publicKey))).status).toBe(2);
      expect(await refusal(upload())).toBe('UNAUTHORIZED');
      await admin(['resume-site', keyId]);
      expect((await client.getSite(keyIdOf(site.key.publicKey))).status).toBe(1);
      expect((await upload()).status).toBe(UploadStatus.Accepted);
    }, 60_000);
  });

  it('Ctrl-C stops every node: the supervisor reports it, exits 0 and every port is free', async () => {
    client.close();
    const pids = readFileSync(join(clusterDir, 'cluster.pids'), 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(N);
    process.kill(-up.child.pid!, 'SIGINT');
    await up.line(/^stopped$/);
    expect(await up.exited).toBe(0);
    // The supervisor saw every node exit before printing `stopped`; none is left running.
    for (const pid of pids) expect(() => process.kill(pid, 0), `pid ${pid}`).toThrow();
    const free = await Promise.all(Array.from({ length: 3 * N }, (_, i) => portFree(base + i)));
    expect(free).toEqual(Array(3 * N).fill(true));
    const status = await bkdms(['status', '--rpc', `127.0.0.1:${base + 1}`]);
    expect(status.code).toBe(1);
  }, 30_000);
});

describe('the compiled bkdms', () => {
  it('prints its help with exit code 0, and refuses an unknown command', async () => {
    const help = await bkdms(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['keys', 'genesis', 'node', 'cluster', 'status', 'trace', 'verify', 'platform'])
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const wrong = await bkdms(['clustre', 'up']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("unknown command 'clustre'");
  });
});
