// The control path of the fault proxies when they run outside the runner's event loop: the
// commands (plain data, so they cross a process boundary), the host that owns every proxy socket
// and applies them, and the request/reply framing over any message transport (a child process's
// IPC channel, a MessagePort). A command is answered once it has been applied, so the runner's
// `await` means the fault is in place.
import { FaultNet } from './fault-net.js';
import { FaultLink, type LinkMode } from './fault-proxy.js';

/** One side of a message channel: structured-clonable messages both ways. */
export interface Transport {
  send(msg: unknown): void;
  onMessage(fn: (msg: unknown) => void): void;
}

export type ProxyCommand =
  /** Starts n·(n−1) node links and `platform` links towards the platform's endpoints. */
  | { op: 'start'; validators: number; platform: number }
  | { op: 'setTargets'; p2p: number[]; platform: number[] }
  | { op: 'disconnect'; node: number }
  | { op: 'stall'; node: number }
  | { op: 'delay'; node: number; ms: number; jitterMs: number }
  | { op: 'partition'; groups: number[][] }
  /** Every link of `node` (or of every node) open again, without delay. */
  | { op: 'heal'; node?: number }
  /** The same action on every platform link. */
  | { op: 'platform'; action: 'cut' | 'stall' | 'heal' }
  | { op: 'platformDelay'; ms: number; jitterMs: number }
  | { op: 'modes' }
  | { op: 'close' };

/** Ports of the started proxies: p2p[a][b] is the port node a dials node b through (0 on the diagonal). */
export interface ProxyPorts {
  p2p: number[][];
  platform: number[];
}

export interface ProxyModes {
  net: (LinkMode | undefined)[][];
  platform: LinkMode[];
}

export interface ProxyRequest {
  id: number;
  cmd: ProxyCommand;
}

export type ProxyReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Owns every proxy socket of a run; lives in the proxy process. */
export class ProxyHost {
  private net: FaultNet | undefined;
  private platform: FaultLink[] = [];

  async apply(cmd: ProxyCommand): Promise<unknown> {
    if (cmd.op === 'start') return this.start(cmd.validators, cmd.platform);
    if (cmd.op === 'close') return this.close();
    const net = this.net;
    if (net === undefined) throw new Error(`fault proxies: ${cmd.op} before start`);
    switch (cmd.op) {
      case 'setTargets':
        net.setTargets(cmd.p2p);
        this.platform.forEach((l, i) => {
          l.target = { host: '127.0.0.1', port: cmd.platform[i] ?? 0 };
        });
        return undefined;
      case 'disconnect':
        return net.disconnect(cmd.node);
      case 'stall':
        return net.stall(cmd.node);
      case 'delay':
        return net.delay(cmd.node, cmd.ms, cmd.jitterMs);
      case 'partition':
        return net.partition(cmd.groups);
      case 'heal':
        return net.heal(cmd.node);
      case 'platform':
        for (const l of this.platform)
          if (cmd.action === 'cut') l.cut();
          else if (cmd.action === 'stall') l.stall();
          else {
            l.heal();
            l.setDelay(0, 0);
          }
        return undefined;
      case 'platformDelay':
        for (const l of this.platform) l.setDelay(cmd.ms, cmd.jitterMs);
        return undefined;
      case 'modes':
        return this.modes(net);
    }
  }

  private async start(validators: number, platform: number): Promise<ProxyPorts> {
    if (this.net !== undefined) throw new Error('fault proxies: already started');
    const net = await FaultNet.start(Array.from({ length: validators }, () => 0));
    this.net = net;
    for (let i = 0; i < platform; i++) {
      const link = new FaultLink({ host: '127.0.0.1', port: 0 });
      this.platform.push(link);
      await link.start();
    }
    const p2p = Array.from({ length: validators }, (_, a) =>
      Array.from({ length: validators }, (_, b) => (a === b ? 0 : net.port(a, b))),
    );
    return { p2p, platform: this.platform.map((l) => l.port) };
  }

  private modes(net: FaultNet): ProxyModes {
    const rows = Array.from({ length: net.size }, (_, a) =>
      Array.from({ length: net.size }, (_, b) => (a === b ? undefined : net.link(a, b).mode)),
    );
    return { net: rows, platform: this.platform.map((l) => l.mode) };
  }

  async close(): Promise<void> {
    await this.net?.close();
    await Promise.all(this.platform.map((l) => l.close()));
    this.net = undefined;
    this.platform = [];
  }
}

function isRequest(msg: unknown): msg is ProxyRequest {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Partial<ProxyRequest>;
  return (
    typeof m.id === 'number' && typeof m.cmd === 'object' && m.cmd !== null && typeof m.cmd.op === 'string'
  );
}

/**
 * Serves requests from `t` one at a time, in arrival order (a heal never overtakes the cut before
 * it); `onClosed` runs after a `close` has been answered.
 */
export function serveProxies(
  t: Transport,
  host = new ProxyHost(),
  onClosed: () => void = () => undefined,
): void {
  let chain: Promise<void> = Promise.resolve();
  t.onMessage((msg) => {
    if (!isRequest(msg)) return;
    chain = chain.then(async () => {
      let reply: ProxyReply;
      try {
        reply = { id: msg.id, ok: true, value: (await host.apply(msg.cmd)) ?? null };
      } catch (err) {
        reply = { id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      t.send(reply);
      if (msg.cmd.op === 'close') onClosed();
    });
  });
}
