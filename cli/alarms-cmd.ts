// `bkdms alarms`: a node's active alarms (or the history of cleared ones), as a table or as JSON,
// read from its management port (--mgmt: GET /alarms, GET /alarms/history) or from its RPC port
// (--rpc: ListAlarms, with the TLS flags of every --rpc command). --watch follows them until
// Ctrl-C: over --mgmt by reading again on an interval and printing the list whenever it changed,
// over --rpc by the WatchAlarms stream, printing each change as the node makes it.
// `bkdms alarms ack <id>` acknowledges one over the RPC port (AckAlarm), as an administrator.
import type { Command } from 'commander';
import { adminCall } from '../api/admin-call.js';
import { alarmsService } from '../api/alarms.js';
import { type AlarmEventView, listAlarmsRemote, watchAlarmsRemote } from '../api/alarms-client.js';
import { pause } from '../api/retry.js';
import type { Alarm } from '../node/mgmt/alarms/types.js';
import { type AdminFlags, addAdminFlags, adminKeyOf } from './admin-flags.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

interface AlarmsFlags extends Partial<RpcFlags> {
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

/**
 * One WatchAlarms event as `bkdms alarms --rpc … --watch` prints it: a JSON line with --json,
 * else a stamped header (time, kind) over the alarm's table entry.
 */
export function formatAlarmEvent(e: AlarmEventView, json: boolean, now: number): string {
  if (json) return `${JSON.stringify(e)}\n`;
  return `--- ${new Date(now).toISOString()} ${e.kind}\n${formatAlarms([e.alarm as Alarm], now)}`;
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

/** `bkdms alarms --rpc`: the list once, or with --watch the node's stream of changes. */
async function fromRpc(o: AlarmsFlags & RpcFlags): Promise<void> {
  const opts = { address: o.rpc, tls: rpcTls(o), deadlineMs: 10_000 };
  if (!o.watch) {
    const alarms = (await listAlarmsRemote(opts, o.history === true)) as Alarm[];
    process.stdout.write(o.json ? `${JSON.stringify({ alarms })}\n` : formatAlarms(alarms, Date.now()));
    return;
  }
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  for await (const e of watchAlarmsRemote(opts, ac.signal)) {
    const text = formatAlarmEvent(e, o.json === true, Date.now());
    if (!process.stdout.write(text)) await new Promise((r) => process.stdout.once('drain', r));
  }
  // The stream ends only when the node ends it (shutting down) or on Ctrl-C.
  if (!ac.signal.aborted) throw new Error(`${o.rpc} ended the alarm stream`);
}

/** `bkdms alarms --mgmt`: the list once, or with --watch read again every --interval. */
async function fromMgmt(o: AlarmsFlags & { mgmt: string }): Promise<void> {
  const interval = Number(o.interval);
  if (!Number.isInteger(interval) || interval < 100) throw new Error('--interval must be at least 100 ms');
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
    // pause() takes its abort listener off again: a watch left running adds none per read.
    await pause(interval, ac.signal);
  }
}

export function registerAlarmsCommand(program: Command): void {
  const alarms = program
    .command('alarms')
    // `alarms ack … --json` is the ack's flag, not the list's.
    .enablePositionalOptions()
    .description("a node's active alarms (fault management), from its management port or its RPC port")
    // Checked in the action, not as required options: commander would demand them of `alarms ack` too.
    .option('--mgmt <host:port>', 'the node management port (mgmt.listen of its config)')
    .option('--rpc <host:port>', 'the node RPC port instead (its Alarms service: ListAlarms, WatchAlarms)')
    .option('--tls-ca <file>', "PEM CA bundle that signs the node's certificate (with --rpc)")
    .option('--tls-cert <file>', 'PEM client certificate for mutual TLS (with --rpc and --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option(
      '--insecure',
      'plaintext to a non-loopback --rpc (no TLS); a loopback --rpc given no --tls-* flag is plaintext anyway',
    )
    .option(
      '--json',
      'print JSON ({"alarms": [...]}; with --rpc --watch one {"kind","alarm"} line per change)',
    )
    .option('--history', 'the cleared alarms kept by the node instead of the active ones')
    .option(
      '--watch',
      'follow until Ctrl-C: with --rpc each change as the node streams it, with --mgmt the list whenever it changed',
    )
    .option('--interval <ms>', 'period of --mgmt --watch', '2000')
    .action(async (o: AlarmsFlags, cmd: Command) => {
      if ((o.mgmt === undefined) === (o.rpc === undefined))
        cmd.error("error: alarms needs exactly one of '--mgmt <host:port>' or '--rpc <host:port>'");
      if (o.rpc !== undefined) {
        if (o.watch && o.history)
          throw new Error('--watch follows the active alarms: it cannot go with --history');
        await fromRpc(o as AlarmsFlags & RpcFlags);
      } else await fromMgmt(o as AlarmsFlags & { mgmt: string });
    });
  registerAck(alarms);
}
