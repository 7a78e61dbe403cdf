// JSON Lines file source: one reading object per line (see reading.ts for the accepted shape).
import { type LineFileOptions, LineFileSource, type LineResult } from './line-file.js';
import { readingOrInvalid } from './source.js';

export class JsonLinesSource extends LineFileSource {
  constructor(opts: LineFileOptions) {
    super(opts);
  }

  protected async prepare(): Promise<number> {
    return 0;
  }

  protected parseLine(line: string, id: string): LineResult {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return { source: this.name, id, reason: 'line is not valid JSON' };
    }
    return readingOrInvalid(obj, this.name, id);
  }
}
