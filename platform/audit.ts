// Audit: re-verifies what the platform stored against the chain. For every height in the range it
// fetches the certified block from a node, verifies it against the tracked validator set (so a
// lying node is caught, not believed), and checks each stored record against it: check code,
// data and block recorders, tracing code, chain URL, city data byte for byte (a re-encrypted
// packet differs), the decrypted values (re-opened from the chain's packet), and that every KPI
// packet of the block has its record and no record is extra.
import { verifyCertifiedBlock } from '../api/verify.js';
import { blockEnvelopeLocations } from '../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../codec/certificate.js';
import { envelopeKind, envelopePacket } from '../codec/envelope-view.js';
import { decodeStorageRecord } from '../codec/storage-record.js';
import { EnvelopeKind, SiteStatus, type StorageRecord } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { tracingCode } from '../crypto/hash.js';
import type { ChainMirror } from './chain-mirror.js';
import type { ChainSource } from './chain-source.js';
import { hex } from './hex.js';
import type { StoredPacket } from './outcome.js';
import type { PacketOpener } from './packet-opener.js';
import { checkCodeMatches } from './storage-record.js';
import type { PlatformStore } from './store.js';

export interface AuditFinding {
  height: number;
  index: number;
  tracingCode: string;
  problem: string;
  detail: string;
}

export interface AuditReport {
  fromHeight: number;
  toHeight: number;
  blocks: number;
  records: number;
  findings: AuditFinding[];
  ok: boolean;
}

export interface AuditDeps {
  store: PlatformStore;
  chain: ChainSource;
  mirror: ChainMirror;
  chainUrl: string;
  /** When given, stored values are compared with a fresh decryption of the chain's packet. */
  opener?: PacketOpener;
}

type Block = { bytes: Uint8Array; blockBytes: Uint8Array };

function recordProblem(
  p: StoredPacket,
  env: Uint8Array,
  loc: { offset: number; length: number },
  block: Block,
  chainUrl: string,
): [string, string] | undefined {
  if (!checkCodeMatches(p.storage))
    return ['CHECK_CODE_MISMATCH', 'the record was edited after it was written'];
  let r: StorageRecord;
  try {
    r = decodeStorageRecord(p.storage);
  } catch (err) {
    return ['RECORD_UNDECODABLE', (err as Error).message];
  }
  const tc = hex(tracingCode(env));
  if (hex(r.tracingCode) !== tc || p.meta.tracingCode !== tc)
    return ['TRACING_CODE_MISMATCH', `chain has ${tc}`];
  if (
    r.data.offset !== loc.offset ||
    r.data.length !== loc.length ||
    r.data.height !== p.meta.height ||
    r.data.index !== p.meta.index
  )
    return ['DATA_RECORDER_MISMATCH', `chain has @${loc.offset}+${loc.length}`];
  if (r.block.length !== block.bytes.length)
    return ['BLOCK_RECORDER_MISMATCH', `chain block is ${block.bytes.length} bytes`];
  if (r.chainUrl !== chainUrl) return ['CHAIN_URL_MISMATCH', r.chainUrl];
  if (!bytesEqual(r.cityData, envelopePacket(env)))
    return ['CITY_DATA_MISMATCH', 'stored packet differs from the committed one'];
  return undefined;
}

/** Re-opens the committed packet with the key the record was verified under; compares outcomes. */
function valuesProblem(p: StoredPacket, env: Uint8Array, opener: PacketOpener): [string, string] | undefined {
  const m = p.meta;
  const key = p.outcome.ok ? p.outcome.sitePublicKey : undefined;
  if (key === undefined) return undefined; // a recorded failure has no values to compare
  const site = {
    publicKey: key,
    status: SiteStatus.Active,
    country: m.country,
    city: m.city,
    siteId: m.siteId,
    kpiCodes: m.kpiCodes,
  };
  const again = opener.open(env, m, site).outcome;
  return JSON.stringify(again) === JSON.stringify(p.outcome)
    ? undefined
    : ['VALUES_MISMATCH', 'stored values differ from the decrypted committed packet'];
}

function packetProblem(
  p: StoredPacket,
  env: Uint8Array,
  loc: { offset: number; length: number },
  block: Block,
  deps: AuditDeps,
): [string, string] | undefined {
  // A packet malformed on chain was recorded as a failure without a Table 10-3 record.
  if (p.storage.length === 0) return undefined;
  return (
    recordProblem(p, env, loc, block, deps.chainUrl) ?? (deps.opener && valuesProblem(p, env, deps.opener))
  );
}

/** Audits heights [from, to] (defaults: the whole processed chain). */
export async function audit(
  deps: AuditDeps,
  range: { fromHeight?: number; toHeight?: number } = {},
): Promise<AuditReport> {
  const top = (await deps.store.checkpoint())?.height ?? 0;
  const fromHeight = Math.max(1, range.fromHeight ?? 1);
  const toHeight = Math.min(top, range.toHeight ?? top);
  const findings: AuditFinding[] = [];
  let records = 0;
  for (let h = fromHeight; h <= toHeight; h++) {
    const bytes = await deps.chain.getBlock(h);
    try {
      verifyCertifiedBlock(bytes, h, (x) => deps.mirror.validatorsAt(x));
    } catch (err) {
      findings.push({
        height: h,
        index: -1,
        tracingCode: '',
        problem: 'BLOCK_UNVERIFIED',
        detail: (err as Error).message,
      });
      continue;
    }
    const block = { bytes, blockBytes: certifiedBlockBlockBytes(bytes) };
    const stored = new Map<number, StoredPacket>();
    for await (const p of deps.store.packets({ fromHeight: h, toHeight: h })) stored.set(p.meta.index, p);
    records += stored.size;
    blockEnvelopeLocations(block.blockBytes).forEach((loc, index) => {
      const env = block.blockBytes.subarray(loc.offset, loc.offset + loc.length);
      if (envelopeKind(env) !== EnvelopeKind.KpiUpload) return;
      const p = stored.get(index);
      stored.delete(index);
      const problem: [string, string] | undefined = p
        ? packetProblem(p, env, loc, block, deps)
        : ['MISSING_RECORD', 'no stored record for this packet'];
      if (problem)
        findings.push({
          height: h,
          index,
          tracingCode: hex(tracingCode(env)),
          problem: problem[0],
          detail: problem[1],
        });
    });
    for (const p of stored.values())
      findings.push({
        height: h,
        index: p.meta.index,
        tracingCode: p.meta.tracingCode,
        problem: 'EXTRA_RECORD',
        detail: 'no such KPI packet in the block',
      });
  }
  const blocks = Math.max(0, toHeight - fromHeight + 1);
  return { fromHeight, toHeight, blocks, records, findings, ok: findings.length === 0 };
}

/** The report as the readable text `bkdms platform audit` prints. */
export function formatAudit(r: AuditReport): string {
  const head = `audit heights ${r.fromHeight}..${r.toHeight}: ${r.blocks} blocks, ${r.records} records, ${r.findings.length} findings -> ${r.ok ? 'OK' : 'MISMATCH'}`;
  return [
    head,
    ...r.findings.map(
      (f) => `  ${f.height}/${f.index} ${f.tracingCode.slice(0, 16)} ${f.problem}: ${f.detail}`,
    ),
  ].join('\n');
}
