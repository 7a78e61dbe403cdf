// A minimal ustar writer and reader for log backups (log-backup.ts): regular files only, names up
// to 100 bytes, read and written as streams so an archive of any size takes bounded memory.
import { RuntimeError, RuntimeErrorCode } from './errors.js';

const BLOCK = 512;

function field(h: Buffer, at: number, len: number, s: string): void {
  h.write(s, at, len, 'ascii');
}

const octal = (n: number, len: number): string => `${n.toString(8).padStart(len - 1, '0')}\0`;

/** The 512-byte ustar header of a regular file. */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  if (Buffer.byteLength(name) > 100 || !/^[\x20-\x7e]+$/.test(name))
    throw new RuntimeError(RuntimeErrorCode.BadConfig, `tar: unsupported file name "${name}"`);
  const h = Buffer.alloc(BLOCK);
  field(h, 0, 100, name);
  field(h, 100, 8, octal(0o644, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(Math.floor(mtimeMs / 1000), 12));
  field(h, 148, 8, '        ');
  field(h, 156, 1, '0');
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  field(h, 148, 8, `${checksum(h).toString(8).padStart(6, '0')}\0 `);
  return h;
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum;
}

/** Zero bytes that pad `size` bytes of content to a whole block. */
export const tarPadding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The two zero blocks that end an archive. */
export const tarEnd = (): Buffer => Buffer.alloc(2 * BLOCK);

const octalField = (h: Buffer, at: number, len: number): number =>
  Number.parseInt(
    h
      .subarray(at, at + len)
      .toString('ascii')
      .replace(/[\0 ]+$/, ''),
    8,
  );

const bad = (msg: string): RuntimeError => new RuntimeError(RuntimeErrorCode.BadConfig, `tar: ${msg}`);

/** Reads exact byte counts from a stream of chunks. */
class Bytes {
  private held: Buffer[] = [];
  private size = 0;
  private readonly it: AsyncIterator<Buffer>;

  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes (n ≤ a few blocks or a chunk), or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    while (this.size < n) {
      const r = await this.it.next();
      if (r.done) break;
      this.held.push(r.value);
      this.size += r.value.length;
    }
    const all = Buffer.concat(this.held);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.held = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return out;
  }
}

export interface TarEntry {
  name: string;
  size: number;
}

/**
 * Walks an archive: `onEntry` gets each regular file's header and then its content in pieces.
 * Throws on a damaged header or an archive cut short.
 */
export async function readTar(
  src: AsyncIterable<Buffer>,
  onEntry: (e: TarEntry) => { data(piece: Buffer): void; end(): void },
): Promise<void> {
  const bytes = new Bytes(src);
  for (;;) {
    const h = await bytes.read(BLOCK);
    if (h.length < BLOCK) throw bad('archive cut short');
    if (h.every((b) => b === 0)) return;
    const sum = octalField(h, 148, 8);
    if (sum !== checksum(h)) throw bad('header checksum mismatch');
    const name = h.subarray(0, 100).toString('ascii').replace(/\0.*$/s, '');
    const size = octalField(h, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) throw bad(`bad size of "${name}"`);
    const sink = onEntry({ name, size });
    for (let left = size; left > 0; ) {
      const piece = await bytes.read(Math.min(left, 64 * 1024));
      if (piece.length === 0) throw bad(`"${name}" cut short`);
      sink.data(piece);
      left -= piece.length;
    }
    sink.end();
    const pad = tarPadding(size).length;
    if (pad > 0 && (await bytes.read(pad)).length < pad) throw bad('archive cut short');
  }
}
