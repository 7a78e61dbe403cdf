// The console's JSON reads. Each answers from the shared state when it can, and otherwise makes
// the one upstream call the page asked for: a block's detail, a search, a trace bundle. A trace is
// relayed as the node's raw bytes (hex): the page verifies it itself, against its trust anchor.
import { ApiError, ApiErrorCode } from '../api/errors.js';
import { toHex } from '../crypto/bytes.js';
import { summarize } from './chain-view.js';
import { summarizeEnvelope } from './envelope-summary.js';
import { ConsoleError, ConsoleErrorCode } from './errors.js';
import type { ConsoleService } from './service.js';

const HEX64 = /^[0-9a-f]{64}$/;
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const MAX_LIST = 100;

function height(text: string | null | undefined, what: string): number {
  const n = Number(text);
  if (text === null || text === undefined || !/^\d{1,15}$/.test(text) || !Number.isSafeInteger(n))
    throw new ConsoleError(ConsoleErrorCode.BadRequest, `${what} must be a block height`);
  return n;
}

function code(text: string): Uint8Array {
  const t = text.toLowerCase();
  if (!HEX64.test(t)) throw new ConsoleError(ConsoleErrorCode.BadRequest, 'a tracing code is 64 hex digits');
  return fromHex(t);
}

export async function listBlocks(svc: ConsoleService, q: URLSearchParams): Promise<unknown> {
  const tip = svc.snapshot.height;
  const before = q.has('before') ? height(q.get('before'), 'before') : tip + 1;
  const limit = Math.min(MAX_LIST, Math.max(1, Number(q.get('limit') ?? 30) || 30));
  const cached = new Map(svc.chain.blocks.map((b) => [b.height, b]));
  const heights: number[] = [];
  for (let h = Math.min(before - 1, tip); h >= 1 && heights.length < limit; h--) heights.push(h);
  const blocks = await Promise.all(
    heights.map(async (h) => cached.get(h) ?? summarize(await svc.chain.fetch(h))),
  );
  return { tip, blocks };
}

export async function blockDetail(svc: ConsoleService, text: string): Promise<unknown> {
  const h = height(text, 'the height');
  if (h < 1 || h > svc.snapshot.height)
    throw new ConsoleError(ConsoleErrorCode.NotFound, `no block ${h} yet`);
  const certified = await svc.chain.fetch(h);
  const header = certified.block.header;
  return {
    summary: summarize(certified),
    header: {
      height: header.height,
      view: header.view,
      time: header.time,
      proposer: header.proposer,
      txCount: header.txCount,
      chainId: toHex(header.chainId),
      parentHash: toHex(header.parentHash),
      txRoot: toHex(header.txRoot),
      stateRoot: toHex(header.stateRoot),
      validatorSetHash: toHex(header.validatorSetHash),
      hashLogRoot: toHex(header.hashLogRoot),
    },
    certificate: {
      view: certified.certificate.view,
      signers: certified.certificate.signatures.map((s) => s.validator),
    },
    envelopes: certified.block.envelopes.map(summarizeEnvelope),
  };
}

/** What a search text names: a height, a tracing code (committed envelope) or a recent block hash. */
export async function search(svc: ConsoleService, text: string): Promise<unknown> {
  const t = text.trim().toLowerCase();
  if (/^\d{1,15}$/.test(t)) return { kind: 'block', height: Number(t) };
  if (!HEX64.test(t))
    throw new ConsoleError(ConsoleErrorCode.BadRequest, 'search a height, a block hash or a tracing code');
  const block = svc.chain.blocks.find((b) => b.hash === t);
  if (block !== undefined) return { kind: 'block', height: block.height };
  const node = svc.nodes.find((n) => n.view.up);
  if (node !== undefined) {
    try {
      const r = await node.client.getReceipt(fromHex(t), { deadlineMs: 3_000 });
      return { kind: 'trace', tracingCode: t, height: r.height };
    } catch (err) {
      if (!(err instanceof ApiError && err.code === ApiErrorCode.NotFound)) throw err;
    }
  }
  throw new ConsoleError(
    ConsoleErrorCode.NotFound,
    'no committed envelope with that tracing code, nor a recent block with that hash',
  );
}

export async function traceBundle(svc: ConsoleService, text: string): Promise<unknown> {
  const tc = code(text);
  let last: unknown = new ConsoleError(ConsoleErrorCode.NotFound, 'no node is up');
  for (const n of svc.nodes.filter((x) => x.view.up)) {
    try {
      const b = await n.client.trace(tc, { deadlineMs: 5_000 });
      return {
        node: n.view.name,
        bundle: {
          envelope: toHex(b.envelope),
          header: toHex(b.header),
          leafIndex: b.leafIndex,
          proof: b.proof.map(toHex),
          certificate: toHex(b.certificate),
          height: b.height,
        },
      };
    } catch (err) {
      last = err;
      if (err instanceof ApiError && err.code === ApiErrorCode.NotFound) break;
    }
  }
  throw last;
}

export async function alarmHistory(svc: ConsoleService): Promise<unknown> {
  const nodes = await Promise.all(
    svc.nodes.map(async (n) => {
      try {
        return { name: n.view.name, alarms: await n.alarmHistory() };
      } catch (err) {
        return { name: n.view.name, alarms: [], error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  return { nodes };
}
