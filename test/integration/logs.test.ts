// Log management on a real node process (docs/operations.md, "Log management"): the node writes
// each stream to its own files in node-0/logs; an upload refused over RPC is an audit line naming
// the caller; the Logs service answers a query from the node host; after a clean stop the files
// hold everything, and the compiled CLI queries them, backs them up and verifies the backup.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiErrorCode } from '../../api/errors.js';
import { logsService } from '../../api/logs-binding.js';
import { UploadStatus } from '../../api/types.js';
import { syntheticEnvelope, syntheticSites } from '../../testkit/envelopes.js';
import { bkdms } from '../support/bkdms-cli.js';
import { startTestCluster, type TestCluster, waitForEnvelopes } from '../support/cluster.js';

let c: TestCluster;
let stopped = false;

beforeAll(async () => {
  c = await startTestCluster(1, 1);
}, 120_000);

afterAll(async () => {
  if (c === undefined) return;
  if (!stopped) await c.dispose();
  else if (process.env.BKDMS_KEEP_TEST_DIRS === undefined) rmSync(c.dir, { recursive: true, force: true });
});

const logDir = () => join(c.dir, 'node-0', 'logs');

function linesOf(type: string): Record<string, unknown>[] {
  return readdirSync(logDir())
    .filter((n) => n.startsWith(`${type}.`))
    .flatMap((n) => readFileSync(join(logDir(), n), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

interface QueryClient {
  QueryLogs(req: object): NodeJS.EventEmitter;
  close(): void;
}

function queryOverRpc(req: object): Promise<{ msg: string; json: string }[]> {
  const Client = logsService();
  const client = new Client(c.rpc[0]!, credentials.createInsecure()) as unknown as QueryClient;
  return new Promise((resolve, reject) => {
    const out: { msg: string; json: string }[] = [];
    const s = client.QueryLogs(req);
    s.on('data', (l: { msg: string; json: string }) => out.push(l));
    s.on('end', () => {
      client.close();
      resolve(out);
    });
    s.on('error', (e: Error) => {
      client.close();
      reject(e);
    });
  });
}

describe('log management on a running node', () => {
  it('audits a refused upload with the caller, serves it over the Logs service, and keeps it after a clean stop', async () => {
    const client = c.client(0);
    const [site] = c.sites;
    const stranger = syntheticSites(1)[0]!;
    const now = Date.now();
    await expect(
      client.upload(syntheticEnvelope(stranger, c.chainId, c.scp.publicKey, 1, now)),
    ).rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.code === ApiErrorCode.Unauthorized);
    expect((await client.upload(syntheticEnvelope(site!, c.chainId, c.scp.publicKey, 1, now))).status).toBe(
      UploadStatus.Accepted,
    );
    await waitForEnvelopes(c, 0, 1);

    const served = await queryOverRpc({ types: ['audit'], grep: 'admission\\.refused' });
    expect(served).toHaveLength(1);
    expect(JSON.parse(served[0]!.json)).toMatchObject({ reasons: { UNAUTHORIZED: 1 }, refused: 1 });

    await c.stop();
    stopped = true;
    const names = readdirSync(logDir());
    for (const t of ['operation', 'audit']) expect(names.some((n) => n.startsWith(`${t}.`))).toBe(true);
    const audit = linesOf('audit');
    expect(audit.map((l) => l.event)).toEqual(
      expect.arrayContaining(['node.started', 'admission.refused', 'logs.query']),
    );
    const refused = audit.find((l) => l.event === 'admission.refused')!;
    expect(refused).toMatchObject({ log: 'audit', module: 'rpc', reasons: { UNAUTHORIZED: 1 } });
    expect(String(refused.peer)).toMatch(/127\.0\.0\.1:\d+$/);
    // The test cluster logs at warn: the audit stream still has its info lines, the others do not.
    expect(linesOf('operation').some((l) => l.event === 'admission.refused')).toBe(false);
    expect(linesOf('contract')).toEqual([]);
  }, 120_000);

  it('the CLI queries the files, backs them up and verifies the backup; a tampered one fails', async () => {
    expect(stopped).toBe(true);
    const q = await bkdms([
      'logs',
      'query',
      '--dir',
      logDir(),
      '--type',
      'audit',
      '--grep',
      '"event":"admission.refused"',
      '--json',
    ]);
    expect(q.code, q.stderr).toBe(0);
    const lines = q.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.type, l.event])).toEqual([['audit', 'admission.refused']]);
    expect(q.stderr).toMatch(/1 lines matched; .* 0 malformed lines skipped/);

    const out = join(c.dir, 'logs-backup.tar.gz');
    const b = await bkdms(['logs', 'backup', '--dir', logDir(), '--out', out, '--json']);
    expect(b.code, b.stderr).toBe(0);
    const manifest = JSON.parse(b.stdout) as { files: { name: string }[] };
    expect(manifest.files.map((f) => f.name).sort()).toEqual(readdirSync(logDir()).sort());
    const ok = await bkdms(['logs', 'verify-backup', out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok: \d+ files match the manifest/);

    // Garbage in the middle of the archive: gzip's own check or the manifest catches it.
    const bytes = readFileSync(out);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(out, bytes);
    const bad = await bkdms(['logs', 'verify-backup', out]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^FAILED:/);
  }, 60_000);
});
