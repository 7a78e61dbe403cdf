// RPC benchmark on loopback (plaintext): a real grpc-js server around a NodeApi that accepts every
// envelope at once, so what is measured is the RPC layer (framing, protobuf, validation, the
// client's promise plumbing). Cases: Upload one envelope per call, 32 calls in flight; UploadBatch
// of 100 per call, 4 in flight; GetStatus latency one at a time; SubscribeBlocks throughput.
// Guard (ratio in this run): batched envelopes/s well above single-call envelopes/s — why sites
// and the platform's tooling upload in batches.
import { BkdmsClient } from '../api/client.js';
import { ApiError, ApiErrorCode } from '../api/errors.js';
import type { NodeApi } from '../api/handlers.js';
import { startApiServer } from '../api/server.js';
import type { BlockEvent, NodeStatus, UploadResult } from '../api/types.js';
import { SyncState, UploadStatus } from '../api/types.js';
import {
  type BenchOptions,
  type BenchReport,
  guard,
  printGuards,
  writeReport,
} from '../testkit/bench-report.js';

const ENVELOPE_BYTES = 300;
const code = new Uint8Array(32).fill(7);
const ok: UploadResult = {
  status: UploadStatus.Accepted,
  tracingCode: code,
  reason: '',
  message: '',
  retryAfterMs: 0,
};
const status: NodeStatus = {
  chainId: code,
  height: 1,
  view: 0,
  primary: 0,
  validators: [code, code, code, code],
  peers: [],
  syncState: SyncState.Synced,
  lastBlockHash: code,
  mempoolEnvelopes: 0,
  mempoolBytes: 0,
  selfIndex: 0,
  earliestHeight: 1,
};
const missing = (): Promise<never> => Promise.reject(new ApiError(ApiErrorCode.NotFound, 'bench'));

function acceptAll(blockCount: number, blockBytes: number): NodeApi {
  const block = new Uint8Array(blockBytes).fill(3);
  return {
    uploadBatch: async (envs) => envs.map(() => ok),
    submitGovernance: async () => ok,
    getStatus: async () => status,
    trace: missing,
    getReceipt: missing,
    queryBySite: missing,
    queryByCity: missing,
    getBlock: missing,
    getScpKeys: missing,
    getSite: missing,
    getState: missing,
    getHeaders: missing,
    getConsistencyProof: missing,
    getBlockHashProof: missing,
    async *subscribeBlocks(from): AsyncIterable<BlockEvent> {
      for (let h = from; h <= blockCount; h++) yield { height: h, certifiedBlock: block };
    },
  };
}

/** Runs `total` calls of `fn`, `parallel` at a time; returns seconds taken. */
async function timed(total: number, parallel: number, fn: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next++ < total) await fn();
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return (performance.now() - t0) / 1000;
}

export async function runRpcBench(opts: BenchOptions): Promise<BenchReport> {
  const blocks = opts.ci ? 500 : 3000;
  const server = await startApiServer(acceptAll(blocks, 16 * 1024), {
    listen: '127.0.0.1:0',
    tls: { insecure: true },
  });
  const client = new BkdmsClient({ address: `127.0.0.1:${server.port}`, tls: { insecure: true } });
  try {
    const env = new Uint8Array(ENVELOPE_BYTES).fill(1);
    const batch = Array.from({ length: 100 }, () => env);
    await timed(200, 16, () => client.upload(env)); // warm-up: connection, JIT

    const singles = opts.ci ? 2000 : 20_000;
    const singleS = await timed(singles, 32, () => client.upload(env));
    const batches = opts.ci ? 100 : 1000;
    const batchS = await timed(batches, 4, () => client.uploadBatch(batch));

    const lat: number[] = [];
    for (let i = 0; i < (opts.ci ? 300 : 2000); i++) {
      const t = performance.now();
      await client.getStatus();
      lat.push(performance.now() - t);
    }
    lat.sort((a, b) => a - b);
    const pct = (p: number): number =>
      Number(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(3));

    const t0 = performance.now();
    let received = 0;
    for await (const _ of client.subscribeBlocks(1)) if (++received === blocks) break;
    const streamS = (performance.now() - t0) / 1000;

    const singleRate = singles / singleS;
    const batchRate = (batches * batch.length) / batchS;
    const results = {
      uploadSingleEnvelopesPerS: Math.round(singleRate),
      uploadBatch100EnvelopesPerS: Math.round(batchRate),
      getStatusLatencyMs: { p50: pct(0.5), p99: pct(0.99) },
      subscribe16KiBBlocksPerS: Math.round(blocks / streamS),
    };
    for (const [k, v] of Object.entries(results))
      process.stdout.write(`  rpc › ${k}: ${JSON.stringify(v)}\n`);
    const guards = [guard('UploadBatch(100) envelopes/s ÷ Upload envelopes/s', batchRate / singleRate, 3)];
    const report: BenchReport = { name: 'rpc', results, guards };
    writeReport(report);
    printGuards(guards);
    return report;
  } finally {
    client.close();
    await server.stop(100);
  }
}
