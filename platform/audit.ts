// Audit: re-verifies what the platform stored against the chain. For every height in the range it
// fetches the certified block from a node, verifies it against the tracked validator set (so a
// lying node is caught, not believed), and checks each stored record against it: check code, then
// every field of the data and block recorders (a recomputed check code proves nothing about where
// the record points), tracing code, chain URL, city data byte for byte (a re-encrypted packet
// differs), the decrypted values (re-opened from the chain's packet), and that every KPI packet
// of the block has its record and no record is extra.
import { verifyCertifiedBlock } from '../api/verify.js';
import { blockEnvelopeLocations } from '../codec/block-view.js';
import { certifiedBlockBlockBytes } from '../codec/certificate.js';
import { envelopeKind, envelopePacket } from '../codec/envelope-view.js';
import { decodeStorageRecord } from '../codec/storage-record.js';
import { EnvelopeKind, SiteStatus, type StorageRecord } from '../codec/types.js';
import { bytesEqual } from '../crypto/bytes.js';
import { tracingCode } from '../crypto/hash.js';
import type { ChainSource } from './chain-source.js';
import type { ChainState } from './chain-state.js';
import { hex } from './hex.js';
import type { StoredPacket } from './outcome.js';
import type { PacketOpener } from './packet-opener.js';
import { checkCodeMatches } from './storage-record.js';
import type { PlatformStore } from './store.js';

/** What a finding reports (docs/platform.md §6). */
export type AuditProblem =
  | 'BLOCK_UNVERIFIED'
  | 'MISSING_RECORD'
  | 'EXTRA_RECORD'
  | 'CHECK_CODE_MISMATCH'
  | 'RECORD_UNDECODABLE'
  | 'TRACING_CODE_MISMATCH'
  | 'DATA_RECORDER_MISMATCH'
  | 'BLOCK_RECORDER_MISMATCH'
  | 'CHAIN_URL_MISMATCH'
  | 'CITY_DATA_MISMATCH'
  | 'VALUES_MISMATCH';

/** The field of a data or block recorder that differs from the chain. */
export type RecorderField =
  | 'data.height'
  | 'data.index'
  | 'data.offset'
  | 'data.length'
  | 'block.segment'
  | 'block.offset'
  | 'block.length';

export interface AuditFinding {
  height: number;
  index: number;
  tracingCode: string;
  problem: AuditProblem;
  /** For DATA_RECORDER_MISMATCH and BLOCK_RECORDER_MISMATCH: the field that differs. */
  field?: RecorderField;
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
  ledger: ChainState;
  chainUrl: string;
  /** When given, stored values are compared with a fresh decryption of the chain's packet. */
  opener?: PacketOpener;
}

type Problem = Pick<AuditFinding, 'problem' | 'field' | 'detail'>;

/** Where the chain puts one envelope: the recorders a correct storage record holds. */
interface Position {
  data: StorageRecord['data'];
  /** offset is undefined when an earlier block did not verify: its length, so this offset, is unknown. */
  block: { segment: number; offset: number | undefined; length: number };
}

/** One finding per recorder field that differs from the chain (an unknown chain value is not compared). */
function recorderProblems(r: StorageRecord, p: StoredPacket, at: Position): Problem[] {
  const out: Problem[] = [];
  const compare = (field: RecorderField, stored: number, chain: number | undefined): void => {
    if (chain === undefined || stored === chain) return;
    const problem = field.startsWith('data.') ? 'DATA_RECORDER_MISMATCH' : 'BLOCK_RECORDER_MISMATCH';
    out.push({ problem, field, detail: `${field} is ${stored}, chain has ${chain}` });
  };
  compare('data.height', r.data.height, at.data.height);
  compare('data.index', r.data.index, at.data.index);
  compare('data.offset', r.data.offset, at.data.offset);
  compare('data.length', r.data.length, at.data.length);
  compare('block.segment', r.block.segment, at.block.segment);
  compare('block.offset', r.block.offset, at.block.offset);
  compare('block.length', r.block.length, at.block.length);
  // The clear metadata kept next to the record must place it where the record does.
  if (p.meta.height !== at.data.height)
    out.push({
      problem: 'DATA_RECORDER_MISMATCH',
      field: 'data.height',
      detail: `stored metadata says height ${p.meta.height}, chain has ${at.data.height}`,
    });
  return out;
}

/** Everything wrong with one stored record; a record whose check code fails is not read further. */
function recordProblems(p: StoredPacket, env: Uint8Array, at: Position, chainUrl: string): Problem[] {
  if (!checkCodeMatches(p.storage))
    return [{ problem: 'CHECK_CODE_MISMATCH', detail: 'the record was edited after it was written' }];
  let r: StorageRecord;
  try {
    r = decodeStorageRecord(p.storage);
  } catch (err) {
    return [{ problem: 'RECORD_UNDECODABLE', detail: (err as Error).message }];
  }
  const out: Problem[] = [];
  const tc = hex(tracingCode(env));
  if (hex(r.tracingCode) !== tc || p.meta.tracingCode !== tc)
    out.push({ problem: 'TRACING_CODE_MISMATCH', detail: `chain has ${tc}` });
  out.push(...recorderProblems(r, p, at));
  if (r.chainUrl !== chainUrl) out.push({ problem: 'CHAIN_URL_MISMATCH', detail: r.chainUrl });
  if (!bytesEqual(r.cityData, envelopePacket(env)))
    out.push({ problem: 'CITY_DATA_MISMATCH', detail: 'stored packet differs from the committed one' });
  return out;
}

/** Re-opens the committed packet with the key the record was verified under; compares outcomes. */
function valuesProblem(p: StoredPacket, env: Uint8Array, opener: PacketOpener): Problem | undefined {
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
    : { problem: 'VALUES_MISMATCH', detail: 'stored values differ from the decrypted committed packet' };
}

function packetProblems(p: StoredPacket, env: Uint8Array, at: Position, deps: AuditDeps): Problem[] {
  // A packet malformed on chain was recorded as a failure without a Table 10-3 record.
  if (p.storage.length === 0) return [];
  const found = recordProblems(p, env, at, deps.chainUrl);
  // Values are compared only for a record that is itself right about the packet it describes.
  const values = found.length === 0 && deps.opener ? valuesProblem(p, env, deps.opener) : undefined;
  return values ? [values] : found;
}

/** The certified block at `height` if it verifies against the tracked validator set, else why not. */
async function verifiedBlock(deps: AuditDeps, height: number): Promise<Uint8Array | string> {
  const bytes = await deps.chain.getBlock(height);
  try {
    verifyCertifiedBlock(bytes, height, {
      chainId: deps.ledger.chainId,
      validators: (x) => deps.ledger.validatorsAt(x),
    });
    return bytes;
  } catch (err) {
    return (err as Error).message;
  }
}

const unverified = (height: number, detail: string): AuditFinding => ({
  height,
  index: -1,
  tracingCode: '',
  problem: 'BLOCK_UNVERIFIED',
  detail,
});

/** Checks the stored records of one verified block; returns how many there were. */
async function auditBlock(
  deps: AuditDeps,
  h: number,
  bytes: Uint8Array,
  chainOffset: number | undefined,
  findings: AuditFinding[],
): Promise<number> {
  const blockBytes = certifiedBlockBlockBytes(bytes);
  const stored = new Map<number, StoredPacket>();
  for await (const p of deps.store.packets({ fromHeight: h, toHeight: h })) stored.set(p.meta.index, p);
  const records = stored.size;
  // The extractor writes segment 0: the chain as one byte stream of certified blocks (docs/platform.md §3).
  const block = { segment: 0, offset: chainOffset, length: bytes.length };
  blockEnvelopeLocations(blockBytes).forEach((loc, index) => {
    const env = blockBytes.subarray(loc.offset, loc.offset + loc.length);
    if (envelopeKind(env) !== EnvelopeKind.KpiUpload) return;
    const p = stored.get(index);
    stored.delete(index);
    const at: Position = { data: { height: h, index, offset: loc.offset, length: loc.length }, block };
    const problems: Problem[] = p
      ? packetProblems(p, env, at, deps)
      : [{ problem: 'MISSING_RECORD', detail: 'no stored record for this packet' }];
    const tc = hex(tracingCode(env));
    for (const pr of problems) findings.push({ height: h, index, tracingCode: tc, ...pr });
  });
  for (const p of stored.values())
    findings.push({
      height: h,
      index: p.meta.index,
      tracingCode: p.meta.tracingCode,
      problem: 'EXTRA_RECORD',
      detail: 'no such KPI packet in the block',
    });
  return records;
}

/**
 * Audits heights [from, to] (defaults: the whole processed chain). A block recorder's offset is
 * the sum of the lengths of every earlier certified block, so the blocks before `from` are read
 * and verified too, for their lengths only; after a block that does not verify (reported), later
 * offsets are unknown and not compared.
 */
export async function audit(
  deps: AuditDeps,
  range: { fromHeight?: number; toHeight?: number } = {},
): Promise<AuditReport> {
  const top = (await deps.store.checkpoint())?.height ?? 0;
  const fromHeight = Math.max(1, range.fromHeight ?? 1);
  const toHeight = Math.min(top, range.toHeight ?? top);
  const findings: AuditFinding[] = [];
  let records = 0;
  let chainOffset: number | undefined = 0;
  for (let h = 1; h < fromHeight && h <= toHeight && chainOffset !== undefined; h++) {
    const b = await verifiedBlock(deps, h);
    if (typeof b === 'string') {
      findings.push(unverified(h, `before the range, read for its length: ${b}`));
      chainOffset = undefined;
    } else chainOffset += b.length;
  }
  for (let h = fromHeight; h <= toHeight; h++) {
    const b = await verifiedBlock(deps, h);
    if (typeof b === 'string') {
      findings.push(unverified(h, b));
      chainOffset = undefined;
      continue;
    }
    records += await auditBlock(deps, h, b, chainOffset, findings);
    if (chainOffset !== undefined) chainOffset += b.length;
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
