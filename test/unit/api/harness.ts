// Starts a real grpc-js server on 127.0.0.1:0 around a FakeNode and a client bound to it.
import type { ClientOptions } from '../../../api/client.js';
import { BkdmsClient } from '../../../api/client.js';
import type { ApiServer, ApiServerOptions } from '../../../api/server.js';
import { startApiServer } from '../../../api/server.js';
import { blockHashProof, consistencyProof, headersPage } from '../../../node/hash-log-rpc.js';
import type { Store } from '../../../node/store/index.js';
import { FakeNode } from './fake-node.js';

export interface Rig {
  node: FakeNode;
  server: ApiServer;
  client: BkdmsClient;
  /** Milliseconds each retry waited, instead of waiting. */
  sleeps: number[];
  close(): Promise<void>;
}

export async function startRig(
  server: Partial<ApiServerOptions> = {},
  client: Partial<ClientOptions> = {},
): Promise<Rig> {
  const node = new FakeNode();
  const srv = await startApiServer(node, { listen: '127.0.0.1:0', tls: { insecure: true }, ...server });
  const sleeps: number[] = [];
  const cli = new BkdmsClient({
    address: `127.0.0.1:${srv.port}`,
    tls: { insecure: true },
    deps: {
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    ...client,
  });
  return {
    node,
    server: srv,
    client: cli,
    sleeps,
    close: async () => {
      cli.close();
      await srv.stop(100);
    },
  };
}

/** The rig's node answers GetHeaders and the block-hash log proofs from a real store. */
export function serveHashLog(node: FakeNode, store: Store): void {
  node.getHeaders = (q) => headersPage(store, q);
  node.getConsistencyProof = (a, b) => consistencyProof(store, a, b);
  node.getBlockHashProof = (h, at) => blockHashProof(store, h, at);
}
