// Per-chain TLS flags of `bkdms relay` and `bkdms xchain import-fact`: each side takes its own
// flags when it has any, the shared ones otherwise, and a bad combination names the side.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addTwoChainTlsFlags, chainTls } from '../../../cli/two-chain-tls.js';

const read = (path: string): Uint8Array => new TextEncoder().encode(`pem of ${path}`);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

function parse(args: string[]) {
  const cmd = addTwoChainTlsFlags(new Command('relay').exitOverride());
  cmd.parse(args, { from: 'user' });
  return cmd.opts();
}

describe('per-chain TLS flags', () => {
  it('give each chain its own CA and client certificate', () => {
    const o = parse([
      '--from-tls-ca',
      'a-ca.pem',
      '--to-tls-ca',
      'b-ca.pem',
      '--to-tls-cert',
      'c.pem',
      '--to-tls-key',
      'k.pem',
    ]);
    const a = chainTls(o, 'from', 'a.example:7001', read) as { ca?: Uint8Array; cert?: Uint8Array };
    const b = chainTls(o, 'to', 'b.example:7001', read) as {
      ca?: Uint8Array;
      cert?: Uint8Array;
      key?: Uint8Array;
    };
    expect(text(a.ca)).toBe('pem of a-ca.pem');
    expect(a.cert).toBeUndefined();
    expect([text(b.ca), text(b.cert), text(b.key)]).toEqual([
      'pem of b-ca.pem',
      'pem of c.pem',
      'pem of k.pem',
    ]);
  });

  it('fall back to the shared flags for a side without its own, never mixing both', () => {
    const o = parse(['--tls-ca', 'shared.pem', '--to-insecure']);
    expect(text((chainTls(o, 'from', 'a.example:7001', read) as { ca?: Uint8Array }).ca)).toBe(
      'pem of shared.pem',
    );
    expect(chainTls(o, 'to', 'b.example:7001', read)).toEqual({ insecure: true });
  });

  it('keep the loopback default: plaintext to a local node given no flag for its side', () => {
    const o = parse(['--from-tls-ca', 'a-ca.pem']);
    expect(chainTls(o, 'to', '127.0.0.1:7001', read)).toEqual({ insecure: true });
    expect(chainTls(o, 'from', '127.0.0.1:7001', read)).not.toEqual({ insecure: true });
  });

  it('refuse a contradictory side, naming it', () => {
    const o = parse(['--to-insecure', '--to-tls-ca', 'b.pem']);
    expect(() => chainTls(o, 'to', 'b.example:7001', read)).toThrow(
      /--to-insecure cannot go with --to-tls-ca.*chain B/,
    );
    const half = parse(['--from-tls-cert', 'c.pem']);
    expect(() => chainTls(half, 'from', 'a.example:7001', read)).toThrow(
      /--from-tls-cert and --from-tls-key go together/,
    );
  });
});
