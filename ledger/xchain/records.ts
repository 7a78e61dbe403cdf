// The light-client contract's state: keys and the JSON shapes stored under them (byte fields are
// lower-case hex). Client records form one state group ("xchain/client/"), so a proven read lists
// every client at once; consensus states, evidence and facts are keys of their own.
import type { Scheduled } from '../records.js';
import type { Json } from '../state.js';

/** Client IDs are u16 and written with 5 digits so keys sort by ID. */
const id5 = (id: number): string => String(id).padStart(5, '0');
/** Heights are written with 16 digits so a client's consensus states sort by height. */
const h16 = (h: number): string => String(h).padStart(16, '0');

export const XK = {
  clientPrefix: 'xchain/client/',
  client: (id: number) => `xchain/client/${id5(id)}`,
  consensus: (id: number, height: number) => `xchain/cons/${id5(id)}/${h16(height)}`,
  consensusPrefix: (id: number) => `xchain/cons/${id5(id)}/`,
  misbehaviour: (id: number) => `xchain/misbehaviour/${id5(id)}`,
  fact: (id: number, factIdHex: string) => `xchain/fact/${id5(id)}/${factIdHex}`,
  factPrefix: (id: number) => `xchain/fact/${id5(id)}/`,
} as const;

/** Consensus states a client keeps; the oldest is dropped past this (the latest is never dropped). */
export const MAX_CONSENSUS_STATES = 256;

export enum ClientStatus {
  Active = 'Active',
  Frozen = 'Frozen',
  Expired = 'Expired',
}

export interface ClientRecord {
  [k: string]: Json;
  clientId: number;
  /** The remote chain ID: SHA-256 of its genesis file. */
  chainId: string;
  trustingPeriodMs: number;
  maxClockDriftMs: number;
  /** Relayer public keys allowed to sign this client's calls. */
  relayers: string[];
  /** Highest height with a consensus state. */
  latestHeight: number;
  /** Heights holding a consensus state, ascending (bounded by MAX_CONSENSUS_STATES). */
  heights: number[];
  /**
   * The remote validator schedule as last proven (or registered): every {activateAt, set} known.
   * Sets of heights up to `provenAt` are final; later activations may still be replaced remotely.
   */
  schedule: Scheduled<string[]>[];
  provenAt: number;
  /** The remote height at which misbehaviour was proven; 0 while not frozen. */
  frozenHeight: number;
  /** Local height of registration or of the last recovery. */
  since: number;
}

export interface ConsensusRecord {
  [k: string]: Json;
  height: number;
  /** Remote block time (ms). */
  time: number;
  blockHash: string;
  /** The remote state after height - 1 (the header's stateRoot). */
  stateRoot: string;
  /** The remote block-hash log over blocks 0..height - 1 (the header's hashLogRoot). */
  hashLogRoot: string;
  /** Hash of the set that certified the block. */
  validatorSetHash: string;
  /** Hash of the set the client knows in force at height + 1. */
  nextValidatorSetHash: string;
}

export interface MisbehaviourRecord {
  [k: string]: Json;
  height: number;
  /** Local height and tracing code of the call that proved it. */
  localHeight: number;
  proofTracingCode: string;
  /** Encoded header and certificate (hex); null when the conflict is with a held consensus state. */
  first: { header: string; certificate: string } | null;
  second: { header: string; certificate: string };
  /** The held consensus state's block hash, when that is the other side of the conflict. */
  heldBlockHash: string | null;
}

/** A remote envelope or state value verified against a consensus state: a reference, never plaintext. */
export interface FactRecord {
  [k: string]: Json;
  kind: 'envelope' | 'state';
  /** The consensus state height the proof was checked against. */
  anchorHeight: number;
  /** Envelope: the remote block holding it and its tracing code. */
  remoteHeight: number;
  tracingCode: string | null;
  blockHash: string | null;
  /** State: the remote key and its canonical JSON value (null: proven absent). */
  key: string | null;
  value: string | null;
  /** Local height and tracing code of the call that recorded it. */
  localHeight: number;
  recordedBy: string;
}
