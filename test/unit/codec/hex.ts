// Hex helpers without vitest, so the vectors can be loaded by scripts as well as by tests.
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** Parses hex, ignoring whitespace and `#` comments to the end of a line. */
export const unhex = (s: string): Uint8Array =>
  new Uint8Array(Buffer.from(s.replace(/#[^\n]*/g, '').replace(/\s+/g, ''), 'hex'));
