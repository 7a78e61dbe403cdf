// The control path of the fault proxies run outside the runner's loop (e2e/fault-control.ts,
// e2e/fault-remote.ts): commands cross a real message channel, are applied in order, answered once
// applied, and errors come back as typed errors; the forked proxy process starts, obeys and ends.
import { connect } from 'node:net';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { E2EError } from '../../../e2e/errors.js';
import { serveProxies, type Transport } from '../../../e2e/fault-control.js';
import { RemoteFaultNet } from '../../../e2e/fault-remote.js';
import { echoServer } from '../../support/echo-server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function transport(port: MessagePort): Transport {
  return { send: (m) => port.postMessage(m), onMessage: (fn) => port.on('message', fn) };
}

/** A proxy host served over one end of a MessageChannel; the client's transport is the other. */
function channel(): Transport {
  const { port1, port2 } = new MessageChannel();
  serveProxies(transport(port2));
  cleanup.push(() => {
    port1.close();
    port2.close();
  });
  return transport(port1);
}

/** Sends `text` through `port` and resolves with what came back, or with the error code of a reset. */
function echoThrough(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (b: Buffer) => {
      got += b.toString();
      if (got.length >= text.length) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.on('close', () => resolve(got === '' ? 'closed' : got));
    s.write(text);
  });
}

describe('fault proxies over a message channel', () => {
  it('starts the links, applies faults in order and answers once applied', async () => {
    const net = await RemoteFaultNet.over(channel(), 4, 2);
    cleanup.push(() => net.close());
    expect(net.size).toBe(4);
    expect(net.platformLinks).toBe(2);
    const ports = new Set(
      [0, 1, 2, 3].flatMap((a) => [0, 1, 2, 3].filter((b) => b !== a).map((b) => net.port(a, b))),
    );
    expect(ports.size).toBe(12);
    expect(() => net.port(1, 1)).toThrow(RangeError);
    const echo = await Promise.all([0, 1, 2, 3].map(() => echoServer(cleanup)));
    const rpc = await Promise.all([0, 1].map(() => echoServer(cleanup)));
    await net.setTargets(echo, rpc);

    await net.partition([
      [0, 1],
      [2, 3],
    ]);
    let modes = await net.modes();
    expect([modes.net[0]![1], modes.net[2]![3], modes.net[0]![2], modes.net[3]![1]]).toEqual([
      'open',
      'open',
      'cut',
      'cut',
    ]);
    expect(await echoThrough(net.port(0, 1), 'inside')).toBe('inside');
    expect(await echoThrough(net.port(0, 2), 'across')).toBe('ECONNRESET');

    // Sent without waiting in between: applied in order, so the heal comes last.
    await Promise.all([net.disconnect(3), net.stall(2), net.heal()]);
    modes = await net.modes();
    expect(modes.net.flat().filter((m) => m !== undefined && m !== 'open')).toEqual([]);
    expect(await echoThrough(net.port(0, 2), 'healed')).toBe('healed');

    await net.platform('cut');
    expect((await net.modes()).platform).toEqual(['cut', 'cut']);
    expect(await echoThrough(net.platformPort(1), 'x')).toBe('ECONNRESET');
    await net.platform('heal');
    expect(await echoThrough(net.platformPort(1), 'rpc')).toBe('rpc');
  });

  it('a command the host cannot apply is refused with a typed error, and later ones still work', async () => {
    const net = await RemoteFaultNet.over(channel(), 3, 0);
    cleanup.push(() => net.close());
    const err = await net.disconnect(7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(E2EError);
    expect(err).toMatchObject({ code: 'RUN_FAILED' });
    expect((err as Error).message).toMatch(/no link/);
    await expect(net.delay(1, -5, 0)).rejects.toThrow(/≥ 0/);
    await net.disconnect(1);
    expect((await net.modes()).net[0]![1]).toBe('cut');
  });

  it('a host started twice refuses the second start', async () => {
    const t = channel();
    const net = await RemoteFaultNet.over(t, 2, 0);
    cleanup.push(() => net.close());
    await expect(RemoteFaultNet.over(t, 2, 0)).rejects.toThrow(/already started/);
  });
});

describe('the forked proxy process', () => {
  it('starts, applies a fault, closes and ends; a command after that fails', async () => {
    const net = await RemoteFaultNet.fork(3, 1);
    const echo = await Promise.all([0, 1, 2].map(() => echoServer(cleanup)));
    await net.setTargets(echo, [echo[0]!]);
    expect(await echoThrough(net.port(2, 0), 'through the child')).toBe('through the child');
    await net.disconnect(0);
    expect(await echoThrough(net.port(2, 0), 'x')).toBe('ECONNRESET');
    expect((await net.modes()).platform).toEqual(['open']);
    await net.close();
    await expect(net.heal()).rejects.toBeInstanceOf(E2EError);
  });
});
