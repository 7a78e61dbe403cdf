// JSON for operators: byte arrays as lowercase hex, bigints as decimal strings, so /status and
// /healthz show identifiers the way the CLI prints them.

function replacer(this: Record<string, unknown>, key: string, x: unknown): unknown {
  // Buffer's toJSON has already run on `x`; the holder still has the original value.
  const original = this[key];
  if (original instanceof Uint8Array)
    return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('hex');
  if (typeof x === 'bigint') return x.toString();
  return x;
}

export function toJson(v: unknown): string {
  return `${JSON.stringify(v, replacer, 2)}\n`;
}
