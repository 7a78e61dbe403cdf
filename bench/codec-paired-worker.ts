// One isolate's paired encode+decode timing for the codec guards (bench/codec.ts starts several).
// It builds its own cases from the same seeded records, warms them up and posts the PairedResult.
import { parentPort, workerData } from 'node:worker_threads';
import { type CodecCases, makeCodecCases } from './codec-cases.js';
import { pairedTiming } from './codec-paired.js';
import { realisticRecords } from './codec-records.js';

export interface PairedWorkerInput {
  records: number;
  names: string[];
  subject: string;
  rounds: number;
  opsPerBatch: number;
  warmUp: number;
}

const input = workerData as PairedWorkerInput;
const codecs = makeCodecCases(realisticRecords(input.records));
const cases = Object.fromEntries(input.names.map((n) => [n, (codecs[n] as CodecCases)['encode+decode']]));
for (const fn of Object.values(cases)) for (let k = 0; k < input.warmUp; k++) fn();
parentPort!.postMessage(pairedTiming(cases, input.subject, input.rounds, input.opsPerBatch));
