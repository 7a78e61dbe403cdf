// The parts a site is assembled from, as small interfaces: how readings become KPI entries (kpi/
// in production), how a record becomes an encoded envelope (codec + crypto in production), and
// the site's identity fields of the record. Tests put fakes in their place.
import type { CityCode, KpiEntry, KpiRecord } from '../codec/types.js';
import type { SourceReading } from './reading.js';

export interface NormalizeDrop {
  reading: SourceReading;
  /** Machine-readable reason (kpi/'s DropReason codes). */
  reason: string;
  detail?: string;
}

export interface Normalizer {
  /** Pure: the same readings and period always give the same entries in the same order. */
  normalize(
    readings: readonly SourceReading[],
    period: { start: number; end: number },
  ): {
    entries: KpiEntry[];
    drops: NormalizeDrop[];
  };
}

export interface SealedEnvelope {
  envelope: Uint8Array;
  /** The encoded record exactly as sealed (with any session offer it carries), kept to reseal it. */
  record: Uint8Array;
}

export interface EnvelopeMaker {
  /** Seals the record for the SCP and wraps it in a signed KpiUpload envelope. */
  seal(record: KpiRecord, seq: number, now: number): Promise<SealedEnvelope>;
  /**
   * Seals an encoded record from an earlier seal() again, as it is, under a new seq and time (the
   * sealed packet's associated data is the envelope header, so an envelope cannot be renumbered).
   * Always ephemeral: the record may carry a session offer, and must open without any session.
   */
  reseal(record: Uint8Array, seq: number, now: number): Promise<Uint8Array>;
}

export interface SiteIdentity {
  country: number;
  city: CityCode;
  /** 16-byte IPv6 (IPv4-mapped for IPv4). */
  siteId: Uint8Array;
}
