// The one base of every typed error in the project. Each domain (codec, crypto, kpi, consensus,
// ledger, api, node, store, p2p, site, platform) subclasses it with its own code enum, so a
// caller tells failures apart by `code` and `instanceof`, never by parsing messages. It lives in
// the lowest layer because every layer above throws one.

export type ErrorMeta = Readonly<Record<string, string | number>>;

export class BkdmsError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly meta: ErrorMeta;

  /** The message reads `<CODE>: <message>`; `detail` gives the message alone. */
  constructor(name: string, code: Code, message: string, meta: Record<string, string | number> = {}) {
    super(`${code}: ${message}`);
    this.name = name;
    this.code = code;
    this.meta = meta;
  }

  /** The message without the leading code. */
  get detail(): string {
    return this.message.slice(this.code.length + 2);
  }
}
