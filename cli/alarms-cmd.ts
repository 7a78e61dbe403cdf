// `bkdms alarms`: a node's active alarms (or the history of cleared ones) read from its management
// port (GET /alarms, GET /alarms/history), as a table or as JSON; --watch reads again on an
// interval and prints the list whenever it changed, until Ctrl-C. `bkdms alarms ack <id>`
// acknowledges one over the RPC port (AckAlarm), as an administrator (admin-flags.ts).
import type { Command } from 'commander';
import { adminCall } from '../api/admin-call.js';
import { alarmsService } from '../api/alarms.js';
import type { Alarm } from '../node/mgmt/alarms/types.js';
import { type AdminFlags, addAdminFlags, adminKeyOf } from './admin-flags.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

interface AlarmsFlags {
  mgmt?: string;
  json?: boolean;
  watch?: boolean;
  history?: boolean;
  interval: string;
}

const ORDER = { critical: 0, major: 1, minor: 2, warning: 3 } as const;

/** The table `bkdms alarms` prints: most severe first, then oldest first. */
export function formatAlarms(alarms: readonly Alarm[], now: number): string {
  if (alarms.length === 0) return 'no alarms\n';
  const sorted = [...alarms].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.raisedAt - b.raisedAt);
  const ago = (t: number) => `${Math.max(0, Math.round((now - t) / 1000))} s ago`;
  return sorted
    .map((a) => {
      const since =
        a.state === 'cleared' && a.clearedAt !== undefined
          ? `cleared ${ago(a.clearedAt)}`
          : `${a.state} ${ago(a.raisedAt)}`;
      const lines = [`${a.severity.toUpperCase().padEnd(8)} ${a.id}  (${since})`, `         ${a.cause}`];
      lines.push(`         ${a.analysis}`);
      if (a.recovery !== undefined) lines.push(`         node: ${a.recovery}`);
      if (a.acknowledgedBy !== undefined) lines.push(`         acknowledged by ${a.acknowledgedBy}`);
      lines.push(`         runbook: ${a.runbook}`);
      return lines.join('\n');
    })
    .join('\n')
    .concat('\n');
}

async function read(mgmt: string, history: boolean): Promise<Alarm[]> {
  const url = `http://${mgmt}/alarms${history ? '/history' : ''}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return ((await res.json()) as { alarms: Alarm[] }).alarms;
}

interface AckReply {
  alarm?: { id: string; state: string; acknowledgedBy: string; acknowledgedAtMs: number };
}

function registerAck(alarms: Command): void {
  addAdminFlags(addRpcFlags(alarms.command('ack')))
    .description('acknowledge an active alarm (admin only): it stays until its condition clears')
    .argument('<id>', 'alarm ID, as `bkdms alarms` shows it (rule:subject)')
    .option('--json', 'print the acknowledged alarm as JSON')
    .action(async (id: string, o: RpcFlags & AdminFlags & { json?: boolean }) => {
      const res = await adminCall<AckReply>(
        { address: o.rpc, tls: rpcTls(o), deadlineMs: 10_000 },
        alarmsService(),
        'AckAlarm',
        { id },
        await adminKeyOf(o),
      );
      const a = res.alarm;
      process.stdout.write(
        o.json
          ? `${JSON.stringify(res)}\n`
          : `${a?.id ?? id} ${a?.state ?? 'acknowledged'} by ${a?.acknowledgedBy ?? '?'}\n`,
      );
    });
}

export function registerAlarmsCommand(program: Command): void {
  const alarms = program
    .command('alarms')
    // `alarms ack … --json` is the ack's flag, not the list's.
    .enablePositionalOptions()
    .description("a node's active alarms (fault management), read from its management port")
    // Checked in the action, not as a required option: commander would demand it of `alarms ack` too.
    .option('--mgmt <host:port>', 'the node management port (mgmt.listen of its config); required')
    .option('--json', 'print JSON ({"alarms": [...]}) instead of a table')
    .option('--history', 'the cleared alarms kept by the node instead of the active ones')
    .option('--watch', 'read again every --interval and print the list whenever it changed')
    .option('--interval <ms>', 'period of --watch', '2000')
    .action(async (flags: AlarmsFlags, cmd: Command) => {
      if (flags.mgmt === undefined) cmd.error("error: required option '--mgmt <host:port>' not specified");
      const o = { ...flags, mgmt: flags.mgmt };
      const interval = Number(o.interval);
      if (!Number.isInteger(interval) || interval < 100)
        throw new Error('--interval must be at least 100 ms');
      const print = (alarms: Alarm[]) => {
        process.stdout.write(o.json ? `${JSON.stringify({ alarms })}\n` : formatAlarms(alarms, Date.now()));
      };
      if (!o.watch) {
        print(await read(o.mgmt, o.history === true));
        return;
      }
      let last = '';
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      while (!ac.signal.aborted) {
        const alarms = await read(o.mgmt, o.history === true).catch((err: unknown) => {
          process.stderr.write(`${String(err)}\n`);
          return undefined;
        });
        // Changes of state and cause count; the refresh time alone does not.
        const key = JSON.stringify(alarms?.map((a) => [a.id, a.state, a.severity, a.cause]));
        if (alarms !== undefined && key !== last) {
          last = key;
          if (!o.json) process.stdout.write(`--- ${new Date().toISOString()}\n`);
          print(alarms);
        }
        await new Promise((r) => {
          const t = setTimeout(r, interval);
          ac.signal.addEventListener('abort', () => {
            clearTimeout(t);
            r(undefined);
          });
        });
      }
    });
  registerAck(alarms);
}
