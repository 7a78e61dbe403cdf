// The fault proxy (e2e/fault-proxy.ts) against a loopback echo server: it forwards both ways, a
// cut closes open connections and resets new ones, a stall holds bytes until healed, a delay keeps
// the order of chunks; the mesh (e2e/fault-net.ts) cuts exactly the links a partition crosses.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultNet } from '../../../e2e/fault-net.js';
import { FaultLink } from '../../../e2e/fault-proxy.js';
import { echoServer } from '../../support/echo-server.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function proxy(port: number, random?: () => number): Promise<FaultLink> {
  const link = new FaultLink({ host: '127.0.0.1', port }, random);
  await link.start();
  cleanup.push(() => link.close());
  return link;
}

interface Client {
  socket: Socket;
  received: () => string;
  /** Resolves once the received text has `n` characters. */
  until: (n: number) => Promise<string>;
  ended: Promise<string>;
}

async function dial(port: number): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const waiters: (() => void)[] = [];
  socket.on('data', (b: Buffer) => {
    text += b.toString();
    for (const w of waiters.splice(0)) w();
  });
  const ended = new Promise<string>((r) => {
    socket.on('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
    socket.on('close', () => r('closed'));
  });
  // A refused dial may fail before or after it connects: `ended` tells.
  await Promise.race([new Promise<void>((r) => socket.once('connect', () => r())), ended]);
  cleanup.push(async () => {
    socket.destroy();
  });
  const until = async (n: number): Promise<string> => {
    while (text.length < n) await new Promise<void>((r) => waiters.push(r));
    return text;
  };
  return { socket, received: () => text, until, ended };
}

/** Round-trips a marker through the link: once it is back, everything sent before it is too. */
async function roundTrip(c: Client, marker: string): Promise<void> {
  const want = c.received().length + marker.length;
  c.socket.write(marker);
  await c.until(want);
}

describe('FaultLink', () => {
  it('forwards bytes both ways and counts them', async () => {
    const link = await proxy(await echoServer(cleanup));
    const c = await dial(link.port);
    c.socket.write('hello');
    expect(await c.until(5)).toBe('hello');
    expect(link.stats.accepted).toBe(1);
    expect(link.stats.bytes).toBe(10);
  });

  it('a cut closes open connections and resets new ones until healed', async () => {
    const link = await proxy(await echoServer(cleanup));
    const c = await dial(link.port);
    await roundTrip(c, 'a');
    link.cut();
    expect(await c.ended).not.toBe('open');
    expect(link.connections).toBe(0);
    const refused = await dial(link.port);
    expect(await refused.ended).toBe('ECONNRESET');
    expect(link.stats.refused).toBe(1);
    link.heal();
    const again = await dial(link.port);
    await roundTrip(again, 'b');
    expect(again.received()).toBe('b');
  });

  it('a stall holds the bytes of an open connection and a new one (tarpit) until healed', async () => {
    const link = await proxy(await echoServer(cleanup));
    const c = await dial(link.port);
    await roundTrip(c, 'x');
    link.stall();
    c.socket.write('held');
    const held = await dial(link.port);
    held.socket.write('new');
    // The other link proves time passed with traffic flowing elsewhere, not a timer.
    const other = await proxy(await echoServer(cleanup));
    const o = await dial(other.port);
    for (let k = 0; k < 20; k++) await roundTrip(o, `${k % 10}`);
    expect(c.received()).toBe('x');
    expect(held.received()).toBe('');
    link.heal();
    expect(await c.until(5)).toBe('xheld');
    expect(await held.until(3)).toBe('new');
  });

  it('a delay with jitter keeps the order of chunks', async () => {
    let k = 0;
    // Falling jitter: a later chunk is due earlier than the one before it, unless the order is kept.
    const link = await proxy(await echoServer(cleanup), () => 1 - (k++ % 10) / 10);
    link.setDelay(5, 40);
    const c = await dial(link.port);
    const parts = Array.from({ length: 20 }, (_, i) => `<${i}>`);
    for (const p of parts) {
      c.socket.write(p);
      await new Promise((r) => setImmediate(r));
    }
    const all = parts.join('');
    expect(await c.until(all.length)).toBe(all);
    expect(() => link.setDelay(-1)).toThrow(RangeError);
  });
});

describe('FaultNet', () => {
  it('a partition cuts exactly the links between groups; heal opens them', async () => {
    const ports = await Promise.all([0, 1, 2, 3].map(() => echoServer(cleanup)));
    const net = await FaultNet.start(ports);
    cleanup.push(() => net.close());
    net.partition([
      [0, 1],
      [2, 3],
    ]);
    const modes = (a: number, b: number) => net.link(a, b).mode;
    expect([modes(0, 1), modes(1, 0), modes(2, 3), modes(3, 2)]).toEqual(['open', 'open', 'open', 'open']);
    expect([modes(0, 2), modes(2, 0), modes(1, 3), modes(3, 1), modes(0, 3), modes(2, 1)]).toEqual(
      Array(6).fill('cut'),
    );
    const inside = await dial(net.port(0, 1));
    await roundTrip(inside, 'ok');
    const across = await dial(net.port(0, 2));
    expect(await across.ended).toBe('ECONNRESET');
    net.heal();
    expect(net.all().every((l) => l.mode === 'open')).toBe(true);
    net.disconnect(3);
    expect(net.linksOf(3).every((l) => l.mode === 'cut')).toBe(true);
    expect(net.link(0, 1).mode).toBe('open');
    expect(() => net.port(2, 2)).toThrow(RangeError);
  });
});
