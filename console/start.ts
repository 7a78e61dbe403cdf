// `startConsole`: the console's state and its HTTP server, started together and stopped together.
// `bkdms console`, `cluster up`, the demo and the tests call it.
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ClientTls } from '../api/tls.js';
import { toHex } from '../crypto/bytes.js';
import type { Ed25519KeyPair } from '../crypto/ed25519.js';
import { loadGenesis } from '../node/genesis.js';
import { checkListen } from './auth.js';
import { startHttp } from './http-server.js';
import { type ConsoleAnchor, ConsoleService } from './service.js';

export interface StartConsoleOptions {
  rpc: string[];
  mgmt?: (string | undefined)[];
  platform?: string;
  /** The genesis file the page verifies traces against by default (the user may pin another). */
  genesis?: string;
  listen?: string;
  token?: string;
  tls: (address: string) => ClientTls;
  webDir?: string;
  pollMs?: number;
  /** An administrator's key: the governance and alarms pages may then act. Absent: read-only. */
  adminKey?: Ed25519KeyPair;
}

export interface RunningConsole {
  url: string;
  service: ConsoleService;
  stop(): Promise<void>;
}

export const DEFAULT_LISTEN = '127.0.0.1:8080';

/** The built page beside this module: build/console/web. */
export const defaultWebDir = (): string => fileURLToPath(new URL('./web/', import.meta.url));

export function anchorOf(genesisPath: string): ConsoleAnchor {
  const g = loadGenesis(genesisPath);
  return { chainId: toHex(g.chainId), validators: g.validators.map(toHex), source: `genesis ${genesisPath}` };
}

export async function startConsole(o: StartConsoleOptions): Promise<RunningConsole> {
  const listen = o.listen ?? DEFAULT_LISTEN;
  checkListen(listen, o.token);
  if (o.rpc.length === 0) throw new Error('the console needs at least one node (--rpc)');
  const service = new ConsoleService({
    rpc: o.rpc,
    tls: o.tls,
    ...(o.mgmt ? { mgmt: o.mgmt } : {}),
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.genesis ? { anchor: anchorOf(o.genesis) } : {}),
    ...(o.pollMs ? { pollMs: o.pollMs } : {}),
    ...(o.adminKey ? { adminKey: o.adminKey } : {}),
  });
  let server: Server | undefined;
  try {
    const started = await startHttp(service, {
      listen,
      webDir: o.webDir ?? defaultWebDir(),
      ...(o.token ? { token: o.token } : {}),
    });
    server = started.server;
    // The first round runs after the server listens, so a slow node does not delay the address.
    void service.start();
    return {
      url: started.url,
      service,
      stop: async () => {
        service.stop();
        server?.closeAllConnections();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      },
    };
  } catch (err) {
    service.stop();
    throw err;
  }
}

/**
 * startConsole on `listen`, or on a free port of the same host when that port is taken: what
 * `cluster up` and the demo use, so a second cluster on the machine still gets its console.
 */
export async function startConsoleOrFreePort(o: StartConsoleOptions): Promise<RunningConsole> {
  try {
    return await startConsole(o);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const listen = o.listen ?? DEFAULT_LISTEN;
    return startConsole({ ...o, listen: `${listen.slice(0, listen.lastIndexOf(':'))}:0` });
  }
}
