// CSV file source. The first line is the header; columns are mapped to reading fields by name
// (defaults: kpi, series, value, unit, time, id, flags), and a field missing from the file may be given
// a constant (e.g. every row of a meter's export is the same KPI and unit). Quoted fields with ""
// escapes are supported; a field may not span lines (one line = one row keeps the byte-offset
// cursor exact).
import { SiteError, SiteErrorCode } from '../errors.js';
import { type LineFileOptions, LineFileSource, type LineResult } from './line-file.js';
import { readingOrInvalid } from './source.js';

const fields = ['kpi', 'series', 'value', 'unit', 'time', 'id', 'flags'] as const;
type Field = (typeof fields)[number];
const required = new Set<Field>(['kpi', 'value', 'time']);

export interface CsvOptions extends LineFileOptions {
  delimiter: string;
  /** Reading field -> CSV column name, for columns not named like the field. */
  columns: Partial<Record<Field, string>>;
  /** Reading field -> constant value, for fields the file does not carry. */
  constants: Partial<Record<Field, string>>;
}

export class CsvSource extends LineFileSource {
  private index = new Map<Field, number>();

  constructor(private readonly csv: CsvOptions) {
    super(csv);
  }

  protected async prepare(
    readLine: (offset: number) => Promise<{ line: string; next: number } | null>,
  ): Promise<number> {
    const head = await readLine(0);
    if (head === null)
      throw new SiteError(SiteErrorCode.SourceFailed, 'CSV file has no header line', { source: this.name });
    const names = splitCsvLine(head.line, this.csv.delimiter).map((h) => h.trim());
    for (const f of fields) {
      const col = names.indexOf(this.csv.columns[f] ?? f);
      if (col >= 0) this.index.set(f, col);
      else if (this.csv.constants[f] === undefined && required.has(f)) {
        throw new SiteError(SiteErrorCode.SourceFailed, `CSV header has no column for "${f}"`, {
          source: this.name,
        });
      }
    }
    return head.next;
  }

  protected parseLine(line: string, id: string): LineResult {
    const cells = splitCsvLine(line, this.csv.delimiter);
    const row: Record<string, string> = {};
    for (const f of fields) {
      const col = this.index.get(f);
      const v = col === undefined ? this.csv.constants[f] : cells[col];
      if (v !== undefined && v !== '') row[f] = v;
    }
    return readingOrInvalid(row, this.name, id);
  }
}

/** Splits one CSV line, honouring double quotes and "" escapes inside them. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
