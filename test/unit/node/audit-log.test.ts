// Audit lines on real files: an RPC upload refused at admission and a governance submission
// (node/admission/audit.ts through node/rpc-handlers.ts), and a log spec change on the management
// port (node/mgmt/server.ts), each land in the audit stream's file with the caller's address.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type UploadResult, UploadStatus } from '../../../api/types.js';
import type { Admission } from '../../../node/admission/admission.js';
import { createNodeMetrics } from '../../../node/mgmt/metrics.js';
import { startMgmtServer } from '../../../node/mgmt/server.js';
import { type RpcDeps, RpcHandlers } from '../../../node/rpc-handlers.js';
import { createLogs, type Logs } from '../../../runtime/log.js';

let dir: string;
let logs: Logs;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bkdms-audit-'));
  logs = createLogs({ spec: 'warn', destination: { write: () => undefined } });
  await logs.attachFiles({ dir, maxSizeBytes: 1 << 20, maxFiles: 5, maxDays: 30 });
});
afterEach(async () => {
  await logs.close();
  rmSync(dir, { recursive: true, force: true });
});

async function lines(type: string): Promise<Record<string, unknown>[]> {
  await logs.flush();
  return readdirSync(dir)
    .filter((n) => n.startsWith(`${type}.`))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const tc = (b: number) => new Uint8Array(32).fill(b);
const result = (status: UploadStatus, b: number, reason = ''): UploadResult => ({
  status,
  tracingCode: tc(b),
  reason,
  message: '',
  retryAfterMs: 0,
});

function handlers(results: UploadResult[]): RpcHandlers {
  const admission = { admit: async () => results } as unknown as Admission;
  return new RpcHandlers({
    admission,
    isReady: () => true,
    status: () => ({ catchingUp: false }),
    audit: logs.audit('rpc'),
  } as unknown as RpcDeps);
}

describe('audit stream', () => {
  it('an upload batch with refusals writes one audit line naming the caller and the reasons', async () => {
    const h = handlers([
      result(UploadStatus.Accepted, 1),
      result(UploadStatus.Rejected, 2, 'BAD_SIGNATURE'),
      result(UploadStatus.Rejected, 3, 'UNAUTHORIZED'),
      result(UploadStatus.Rejected, 4, 'UNAUTHORIZED'),
    ]);
    await h.uploadBatch([new Uint8Array(1)], { peer: 'ipv4:10.1.2.3:5555' });
    const [line, ...rest] = await lines('audit');
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      module: 'rpc',
      log: 'audit',
      event: 'admission.refused',
      peer: 'ipv4:10.1.2.3:5555',
      envelopes: 4,
      refused: 3,
      reasons: { BAD_SIGNATURE: 1, UNAUTHORIZED: 2 },
      tracingCodes: ['02'.repeat(32), '03'.repeat(32), '04'.repeat(32)],
    });
    expect(await lines('operation')).toEqual([]);
  });

  it('an upload batch without refusals, or refused only for load, writes no audit line', async () => {
    await handlers([result(UploadStatus.Accepted, 1)]).uploadBatch([new Uint8Array(1)], { peer: 'p' });
    await handlers([result(UploadStatus.Rejected, 2, 'MEMPOOL_FULL')]).uploadBatch([new Uint8Array(1)], {
      peer: 'p',
    });
    expect(await lines('audit')).toEqual([]);
  });

  it('every governance submission is audited, admitted or refused', async () => {
    await handlers([result(UploadStatus.Accepted, 7)]).submitGovernance(new Uint8Array(1), {
      peer: 'ipv4:10.0.0.9:1',
    });
    await handlers([result(UploadStatus.Rejected, 8, 'UNAUTHORIZED')]).submitGovernance(new Uint8Array(1), {
      peer: 'ipv4:10.0.0.9:2',
    });
    expect((await lines('audit')).map((l) => [l.event, l.peer, l.status, l.reason])).toEqual([
      ['governance.submitted', 'ipv4:10.0.0.9:1', 'Accepted', ''],
      ['governance.submitted', 'ipv4:10.0.0.9:2', 'Rejected', 'UNAUTHORIZED'],
    ]);
  });

  it('a log spec change on the management port is audited with the caller, before and after', async () => {
    const server = await startMgmtServer({
      listen: '127.0.0.1:0',
      registry: createNodeMetrics({ labels: { node: '0' } }).registry,
      health: () => ({ ready: true }),
      status: () => ({}),
      logs,
      audit: logs.audit('mgmt'),
    });
    try {
      const base = `http://127.0.0.1:${server.port}/logspec`;
      expect((await fetch(base, { method: 'PUT', body: 'info,p2p=debug' })).status).toBe(200);
      expect((await fetch(base, { method: 'PUT', body: 'p2p=loud' })).status).toBe(400);
    } finally {
      await server.close();
    }
    const audit = await lines('audit');
    expect(audit.map((l) => [l.event, l.before, l.after, typeof l.refused])).toEqual([
      ['mgmt.logspec', 'warn', 'info,p2p=debug', 'undefined'],
      ['mgmt.logspec', 'info,p2p=debug', undefined, 'string'],
    ]);
    expect(audit[0]?.caller).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
