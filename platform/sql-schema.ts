// The platform database schema as ordered migrations: migration n (1-based) takes the schema from
// version n-1 to n. Each is a list of single SQL statements that PostgreSQL 15 and later (and
// PGlite) accept; a released migration is never edited, a change is a new one at the end.
// Times are UTC milliseconds (bigint), hashes and keys hex text unless the bytes are the record.

/** Table 10-3 fields inside the encoded record (codec/storage-record.ts), 1-based for substring. */
const URL_LEN = 'get_byte(record, 69) * 256 + get_byte(record, 70)';
const CITY_LEN = `get_byte(record, 71 + ${URL_LEN}) * 256 + get_byte(record, 72 + ${URL_LEN})`;

const V1 = [
  `CREATE TABLE extract_cursor (
     id smallint PRIMARY KEY CHECK (id = 1),
     height bigint NOT NULL,
     block_hash text NOT NULL,
     chain_offset bigint NOT NULL,
     state_root text NOT NULL)`,
  `CREATE TABLE contract_state (key text PRIMARY KEY, value bytea NOT NULL)`,
  `CREATE TABLE packets (
     height bigint NOT NULL,
     idx integer NOT NULL,
     tracing_code text NOT NULL,
     block_time bigint NOT NULL,
     envelope_time bigint NOT NULL,
     seq bigint NOT NULL,
     site_key_id text NOT NULL,
     country integer NOT NULL,
     city_scheme smallint NOT NULL,
     city text NOT NULL,
     site_id text NOT NULL,
     kpi_codes integer[] NOT NULL,
     PRIMARY KEY (height, idx))`,
  'CREATE INDEX packets_tracing_code ON packets (tracing_code)',
  // The record as encoded, byte for byte what the check code covers; its six fields are derived
  // from those bytes so they can never disagree with them.
  `CREATE TABLE storage_records (
     height bigint NOT NULL,
     idx integer NOT NULL,
     record bytea NOT NULL,
     data_recorder bytea GENERATED ALWAYS AS (substring(record from 2 for 20)) STORED,
     block_recorder bytea GENERATED ALWAYS AS (substring(record from 22 for 16)) STORED,
     tracing_code bytea GENERATED ALWAYS AS (substring(record from 38 for 32)) STORED,
     chain_id bytea GENERATED ALWAYS AS (substring(record from 72 for ${URL_LEN})) STORED,
     city_data bytea GENERATED ALWAYS AS
       (substring(record from 74 + ${URL_LEN} for ${CITY_LEN})) STORED,
     check_code bytea GENERATED ALWAYS AS (substring(record from length(record) - 31 for 32)) STORED,
     PRIMARY KEY (height, idx),
     FOREIGN KEY (height, idx) REFERENCES packets ON DELETE CASCADE)`,
  'CREATE INDEX storage_records_tracing_code ON storage_records (tracing_code)',
  `CREATE TABLE packet_outcomes (
     height bigint NOT NULL,
     idx integer NOT NULL,
     site_public_key text NOT NULL,
     seal text NOT NULL,
     country integer NOT NULL,
     city_scheme smallint NOT NULL,
     city text NOT NULL,
     site_id text NOT NULL,
     time bigint NOT NULL,
     PRIMARY KEY (height, idx),
     FOREIGN KEY (height, idx) REFERENCES packets ON DELETE CASCADE)`,
  `CREATE TABLE packet_failures (
     height bigint NOT NULL,
     idx integer NOT NULL,
     reason text NOT NULL,
     detail text NOT NULL,
     PRIMARY KEY (height, idx),
     FOREIGN KEY (height, idx) REFERENCES packets ON DELETE CASCADE)`,
  'CREATE INDEX packet_failures_reason ON packet_failures (reason)',
  `CREATE TABLE kpi_values (
     height bigint NOT NULL,
     idx integer NOT NULL,
     entry integer NOT NULL,
     tracing_code text NOT NULL,
     country integer NOT NULL,
     city_scheme smallint NOT NULL,
     city text NOT NULL,
     site_id text NOT NULL,
     kpi_code integer NOT NULL,
     series integer NOT NULL,
     time bigint NOT NULL,
     value double precision NOT NULL,
     unit text NOT NULL,
     flags smallint NOT NULL,
     PRIMARY KEY (height, idx, entry),
     FOREIGN KEY (height, idx) REFERENCES packet_outcomes ON DELETE CASCADE)`,
  // By city and KPI over a time range, and the latest value per KPI per city (DESC on time).
  'CREATE INDEX kpi_values_city_kpi_time ON kpi_values (city, kpi_code, series, time DESC)',
  'CREATE INDEX kpi_values_site_time ON kpi_values (site_id, time)',
  'CREATE INDEX kpi_values_tracing_code ON kpi_values (tracing_code)',
  'CREATE TABLE session_offers (offer bytea PRIMARY KEY, height bigint NOT NULL)',
  `CREATE TABLE audit_runs (
     id bigserial PRIMARY KEY,
     at bigint NOT NULL,
     from_height bigint NOT NULL,
     to_height bigint NOT NULL,
     blocks bigint NOT NULL,
     records bigint NOT NULL,
     ok boolean NOT NULL)`,
  `CREATE TABLE audit_findings (
     run_id bigint NOT NULL REFERENCES audit_runs ON DELETE CASCADE,
     n integer NOT NULL,
     height bigint NOT NULL,
     idx integer NOT NULL,
     tracing_code text NOT NULL,
     problem text NOT NULL,
     field text,
     detail text NOT NULL,
     PRIMARY KEY (run_id, n))`,
  'CREATE INDEX audit_findings_tracing_code ON audit_findings (tracing_code)',
];

/**
 * Cheaper block writes. Per-row foreign-key checks (one lookup per stored record, outcome and
 * value) and two indexes no query needs (a tracing code leads to its packet's key through
 * packets_tracing_code, and every other row of the packet is found by that key) were most of a
 * block's write cost. The rows of a packet are written together by one block transaction, so the
 * checks only guarded against other writers; deleting a packet still removes its rows, through a
 * trigger instead of ON DELETE CASCADE. packet_failures keeps its key (failures are rare).
 * Also the cursor's block-hash log frontier (hex, largest subtree first), which version 1 lacked:
 * a cursor without it is refused by the extractor with the way forward.
 */
const V2 = [
  'ALTER TABLE extract_cursor ADD COLUMN hash_log text[]',
  'DROP INDEX kpi_values_tracing_code',
  'DROP INDEX storage_records_tracing_code',
  'ALTER TABLE kpi_values DROP CONSTRAINT kpi_values_height_idx_fkey',
  'ALTER TABLE storage_records DROP CONSTRAINT storage_records_height_idx_fkey',
  'ALTER TABLE packet_outcomes DROP CONSTRAINT packet_outcomes_height_idx_fkey',
  `CREATE FUNCTION packets_delete_rows() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     DELETE FROM storage_records WHERE height = OLD.height AND idx = OLD.idx;
     DELETE FROM packet_outcomes WHERE height = OLD.height AND idx = OLD.idx;
     DELETE FROM kpi_values WHERE height = OLD.height AND idx = OLD.idx;
     RETURN OLD;
   END $$`,
  `CREATE TRIGGER packets_delete_rows AFTER DELETE ON packets
     FOR EACH ROW EXECUTE FUNCTION packets_delete_rows()`,
];

export const MIGRATIONS: readonly (readonly string[])[] = [V1, V2];
