// A process that starts a throw-away PostgreSQL server, prints its port and folder as one JSON
// line and then idles until killed: the harness test kills it to check the server does not outlive it.
import { startPgServer } from '../../devnet/pg-server.js';

const server = await startPgServer();
process.stdout.write(`${JSON.stringify({ port: server.port, dir: server.dir })}\n`);
setInterval(() => {}, 60_000);
