// The fault proxy process: owns every proxy socket of one e2e run, so that the runner's busy event
// loop never stalls the links; commanded over the IPC channel of fork() (fault-control.ts). It
// ends when the runner asks it to close or when the runner goes away (the channel disconnects).
import type { Transport } from './fault-control.js';
import { ProxyHost, serveProxies } from './fault-control.js';

const send = process.send?.bind(process);
if (send === undefined) {
  process.stderr.write('fault-child: must be started with an IPC channel (fork)\n');
  process.exit(2);
}
const host = new ProxyHost();
const t: Transport = {
  send: (msg) => {
    if (process.connected) send(msg as object);
  },
  onMessage: (fn) => process.on('message', fn),
};
serveProxies(t, host, () => process.disconnect());
process.on('disconnect', () => {
  void host.close().finally(() => process.exit(0));
});
