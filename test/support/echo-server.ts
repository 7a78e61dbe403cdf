// A loopback TCP echo server for the fault-proxy tests; `cleanup` gets its teardown (open sockets
// destroyed, then the server closed).
import { createServer, type Server, type Socket } from 'node:net';

export async function echoServer(cleanup: (() => Promise<void> | void)[]): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as { port: number }).port;
}
