// The runner's handle on the fault proxies, which run in a process of their own (fault-child.ts):
// the runner's event loop generates load and, in the check stage, reads and verifies whole chains
// and every trace; a proxy sharing that loop stalls every link whenever it is busy, and libp2p
// drops a link whose ping misses its timeout. Each method sends one command and resolves once the
// proxy process has applied it.
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2EError, E2EErrorCode } from './errors.js';
import type { ProxyCommand, ProxyModes, ProxyPorts, ProxyReply, Transport } from './fault-control.js';

/** Requests waiting for their reply; each is answered once, in order. */
class Requester {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private gone: Error | undefined;

  constructor(private readonly t: Transport) {
    t.onMessage((msg) => {
      const r = msg as ProxyReply;
      const w = typeof r?.id === 'number' ? this.waiting.get(r.id) : undefined;
      if (w === undefined) return;
      this.waiting.delete(r.id);
      if (r.ok) w.resolve(r.value);
      else w.reject(new E2EError(E2EErrorCode.RunFailed, `fault proxies: ${r.error}`));
    });
  }

  request(cmd: ProxyCommand): Promise<unknown> {
    if (this.gone !== undefined) return Promise.reject(this.gone);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.t.send({ id, cmd });
    });
  }

  /** The other side is gone: every waiting and later request fails. */
  fail(err: Error): void {
    this.gone = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** The node links of a run (the perturbations' network faults) and its platform links. */
export class RemoteFaultNet {
  private constructor(
    private readonly r: Requester,
    private readonly ports: ProxyPorts,
    private readonly end: () => Promise<void>,
  ) {}

  /** Starts the proxies behind `t` (links for `validators` nodes and `platform` platform links). */
  static async over(
    t: Transport,
    validators: number,
    platform: number,
    end: () => Promise<void> = async () => undefined,
    r = new Requester(t),
  ): Promise<RemoteFaultNet> {
    const ports = (await r.request({ op: 'start', validators, platform })) as ProxyPorts;
    return new RemoteFaultNet(r, ports, end);
  }

  /** Forks the proxy process and starts the proxies in it. */
  static async fork(validators: number, platform: number): Promise<RemoteFaultNet> {
    const child = fork(childEntry(), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const t: Transport = {
      send: (msg) => {
        if (child.connected) child.send(msg as object);
      },
      onMessage: (fn) => child.on('message', fn),
    };
    const r = new Requester(t);
    const failed = (why: string) => () =>
      r.fail(new E2EError(E2EErrorCode.RunFailed, `fault proxy process ${why}`));
    child.once('error', (err) =>
      r.fail(new E2EError(E2EErrorCode.RunFailed, `fault proxy process: ${err.message}`)),
    );
    child.once('exit', failed('exited'));
    try {
      return await RemoteFaultNet.over(t, validators, platform, () => stopChild(child), r);
    } catch (err) {
      await stopChild(child);
      throw err;
    }
  }

  get size(): number {
    return this.ports.p2p.length;
  }

  /** The port node `from` dials to reach node `to`. */
  port(from: number, to: number): number {
    const p = this.ports.p2p[from]?.[to];
    if (p === undefined || p === 0) throw new RangeError(`no link ${from}→${to}`);
    return p;
  }

  /** The port the platform reaches node i's RPC through. */
  platformPort(i: number): number {
    const p = this.ports.platform[i];
    if (p === undefined) throw new RangeError(`no platform link ${i}`);
    return p;
  }

  get platformLinks(): number {
    return this.ports.platform.length;
  }

  async setTargets(p2p: number[], platform: number[]): Promise<void> {
    await this.r.request({ op: 'setTargets', p2p, platform });
  }

  async disconnect(node: number): Promise<void> {
    await this.r.request({ op: 'disconnect', node });
  }

  async stall(node: number): Promise<void> {
    await this.r.request({ op: 'stall', node });
  }

  async delay(node: number, ms: number, jitterMs: number): Promise<void> {
    await this.r.request({ op: 'delay', node, ms, jitterMs });
  }

  async partition(groups: readonly (readonly number[])[]): Promise<void> {
    await this.r.request({ op: 'partition', groups: groups.map((g) => [...g]) });
  }

  async heal(node?: number): Promise<void> {
    await this.r.request(node === undefined ? { op: 'heal' } : { op: 'heal', node });
  }

  /** The same fault on every platform link (`heal` also removes a delay). */
  async platform(action: 'cut' | 'stall' | 'heal'): Promise<void> {
    await this.r.request({ op: 'platform', action });
  }

  async platformDelay(ms: number, jitterMs: number): Promise<void> {
    await this.r.request({ op: 'platformDelay', ms, jitterMs });
  }

  async modes(): Promise<ProxyModes> {
    return (await this.r.request({ op: 'modes' })) as ProxyModes;
  }

  /** Closes every proxy and ends the proxy process. */
  async close(): Promise<void> {
    try {
      await this.r.request({ op: 'close' });
    } finally {
      await this.end();
    }
  }
}

/**
 * The compiled proxy process (build/e2e/fault-child.js): beside this file when it runs compiled,
 * under build/ at the repository root when it runs from source (vitest), as the node processes are.
 */
function childEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const entry = here.includes(`${sep}build${sep}`)
    ? join(dirname(here), 'fault-child.js')
    : join(dirname(here), '..', 'build', 'e2e', 'fault-child.js');
  if (!existsSync(entry))
    throw new E2EError(E2EErrorCode.RunFailed, `no fault proxy process at ${entry}: run npm run build`);
  return entry;
}

/** Waits for the child to exit, asking with SIGTERM if it has not within a few seconds. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
  if (child.connected) child.disconnect();
  await exited;
  clearTimeout(timer);
}
