// The benchmark cases of bench/codec.ts, one set per codec. Each codec's cases are written out
// as their own function literals on purpose: closures made from one shared literal share V8's
// type feedback, so a generic `codec.encode(x)` case would turn megamorphic and measure the
// dispatch instead of the codec.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import protobuf from 'protobufjs';
import { decodeKpiRecord, encodeKpiRecord, kpiRecordTime } from '../codec/kpi-record.js';
import type { KpiRecord } from '../codec/types.js';

export interface CodecCases {
  bytesPerRecord: number;
  encode: () => void;
  decode: () => void;
  'encode+decode': () => void;
  'lazy time': () => void;
}

/** Keeps results observable so no case is optimised away. */
export const sink = { n: 0 };

function mean(bs: Uint8Array[]): number {
  return bs.reduce((s, b) => s + b.length, 0) / bs.length;
}

function bkdms(records: KpiRecord[]): CodecCases {
  const n = records.length;
  const enc = records.map(encodeKpiRecord);
  let i = 0;
  return {
    bytesPerRecord: mean(enc),
    encode: () => {
      sink.n += encodeKpiRecord(records[i++ % n]!).length;
    },
    decode: () => {
      sink.n += decodeKpiRecord(enc[i++ % n]!).country;
    },
    'encode+decode': () => {
      sink.n += decodeKpiRecord(encodeKpiRecord(records[i++ % n]!)).country;
    },
    'lazy time': () => {
      sink.n += kpiRecordTime(enc[i++ % n]!);
    },
  };
}

function msgpackr(records: KpiRecord[]): CodecCases {
  const n = records.length;
  const packr = new Packr({ structures: [], useRecords: true });
  const enc = records.map((r) => packr.pack(r));
  let i = 0;
  return {
    bytesPerRecord: mean(enc),
    encode: () => {
      sink.n += packr.pack(records[i++ % n]!).length;
    },
    decode: () => {
      sink.n += (packr.unpack(enc[i++ % n]!) as KpiRecord).country;
    },
    'encode+decode': () => {
      sink.n += (packr.unpack(packr.pack(records[i++ % n]!)) as KpiRecord).country;
    },
    'lazy time': () => {
      sink.n += (packr.unpack(enc[i++ % n]!) as KpiRecord).time;
    },
  };
}

function protobufjs(records: KpiRecord[]): CodecCases {
  const root = protobuf.parse(readFileSync(join(process.cwd(), 'bench', 'codec.proto'), 'utf8')).root;
  const T = root.lookupType('bkdms.bench.KpiRecord');
  const toProto = (r: KpiRecord) => ({
    country: r.country,
    cityScheme: r.city.scheme,
    cityCode: r.city.code,
    siteId: r.siteId,
    time: r.time,
    entries: r.entries,
    extension: r.extension,
  });
  type Decoded = { country: number; time: number };
  const n = records.length;
  const enc = records.map((r) => T.encode(toProto(r)).finish());
  let i = 0;
  return {
    bytesPerRecord: mean(enc),
    encode: () => {
      sink.n += T.encode(toProto(records[i++ % n]!)).finish().length;
    },
    decode: () => {
      sink.n += (T.decode(enc[i++ % n]!) as unknown as Decoded).country;
    },
    'encode+decode': () => {
      sink.n += (T.decode(T.encode(toProto(records[i++ % n]!)).finish()) as unknown as Decoded).country;
    },
    // uint64 decodes to a Long; Number() is the cheapest way back to the record's type.
    'lazy time': () => {
      sink.n += Number((T.decode(enc[i++ % n]!) as unknown as Decoded).time);
    },
  };
}

function json(records: KpiRecord[]): CodecCases {
  // Byte fields travel as hex strings, the usual JSON shape for them.
  const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const toJson = (r: KpiRecord) =>
    Buffer.from(JSON.stringify({ ...r, siteId: hexOf(r.siteId), extension: hexOf(r.extension) }));
  const parse = (b: Uint8Array) => JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.length).toString());
  const n = records.length;
  const enc = records.map(toJson);
  let i = 0;
  return {
    bytesPerRecord: mean(enc),
    encode: () => {
      sink.n += toJson(records[i++ % n]!).length;
    },
    decode: () => {
      sink.n += parse(enc[i++ % n]!).country;
    },
    'encode+decode': () => {
      sink.n += parse(toJson(records[i++ % n]!)).country;
    },
    'lazy time': () => {
      sink.n += parse(enc[i++ % n]!).time;
    },
  };
}

export function makeCodecCases(records: KpiRecord[]): Record<string, CodecCases> {
  return {
    bkdms: bkdms(records),
    msgpackr: msgpackr(records),
    protobufjs: protobufjs(records),
    json: json(records),
  };
}
