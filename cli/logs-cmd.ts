// `bkdms logs query|backup|verify-backup`: a node's log folder read offline (runtime/log-query.ts,
// runtime/log-backup.ts), or with `query --rpc` a running node's through its Logs service.
// Queries stream: a folder of any size is read in bounded memory.
// `bkdms logs delete` asks a running node over its RPC port (DeleteLogs), as an administrator.
import type { Command } from 'commander';
import { adminCall } from '../api/admin-call.js';
import { logsService } from '../api/logs-binding.js';
import { queryLogsRemote } from '../api/logs-client.js';
import { backupLogs, verifyBackup } from '../runtime/log-backup.js';
import { parseLogFilter, parseTime } from '../runtime/log-filter.js';
import { type LogLine, newQueryStats, queryLogs } from '../runtime/log-query.js';
import { type AdminFlags, addAdminFlags, adminKeyOf } from './admin-flags.js';
import { addRpcFlags, type RpcFlags, rpcTls } from './rpc-flags.js';

interface QueryFlags extends Partial<RpcFlags>, AdminFlags {
  dir?: string;
  type: string[];
  from?: string;
  to?: string;
  level?: string;
  module?: string;
  grep?: string;
  limit?: string;
  json?: boolean;
}

/** Fields every line has; the rest is shown after the message. */
const common = new Set(['level', 'time', 'pid', 'module', 'msg', 'log']);

function human(l: Pick<LogLine, 'time' | 'level' | 'type' | 'module' | 'msg' | 'record'>): string {
  const extra = Object.fromEntries(Object.entries(l.record).filter(([k]) => !common.has(k)));
  const rest = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
  return `${l.time} ${l.level.padEnd(5)} ${l.type.padEnd(9)} ${l.module || '-'}: ${l.msg}${rest}`;
}

async function print(text: string): Promise<void> {
  if (!process.stdout.write(`${text}\n`)) await new Promise((r) => process.stdout.once('drain', r));
}

/** The lines of a local folder (--dir), with the count of what was read on stderr. */
async function queryFolder(dir: string, o: QueryFlags): Promise<void> {
  const filter = parseLogFilter({ ...o, types: o.type });
  const stats = newQueryStats();
  for await (const l of queryLogs(dir, filter, stats))
    await print(o.json ? JSON.stringify({ type: l.type, file: l.file, ...l.record }) : human(l));
  process.stderr.write(
    `${stats.matched} lines matched; ${stats.lines} read from ${stats.files} files; ${stats.malformed} malformed lines skipped\n`,
  );
}

/** The lines a running node serves (--rpc): the node applies the filter and its own line cap. */
async function queryNode(o: QueryFlags & RpcFlags): Promise<void> {
  // Checked here too, so a bad flag fails before any connection.
  parseLogFilter({ ...o, types: o.type });
  const limit = o.limit === undefined ? 0 : Number(o.limit);
  const lines = queryLogsRemote(
    { address: o.rpc, tls: rpcTls(o), deadlineMs: 60_000 },
    {
      types: o.type.flatMap((t) => t.split(',')),
      from: o.from,
      to: o.to,
      level: o.level,
      module: o.module,
      grep: o.grep,
      limit,
    },
    await adminKeyOf(o),
  );
  let n = 0;
  for await (const l of lines) {
    n++;
    const record = JSON.parse(l.json) as Record<string, unknown>;
    if (o.json) await print(JSON.stringify({ type: l.type, file: l.file, ...record }));
    else await print(human({ ...l, type: l.type as LogLine['type'], record }));
  }
  process.stderr.write(`${n} lines from ${o.rpc}\n`);
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

type DeleteFlags = RpcFlags & AdminFlags & { type: string[]; before: string; json?: boolean };

function registerDelete(logs: Command): void {
  addAdminFlags(addRpcFlags(logs.command('delete')))
    .description(
      "delete a running node's log files last written before --before, never a current one (admin only; audited)",
    )
    .requiredOption('--before <iso>', 'files last written before this time (ISO 8601)')
    .option('--type <type>', 'operation, audit, consensus or contract (repeat); default all', collect, [])
    .option('--json', 'print the deleted files as JSON')
    .action(async (o: DeleteFlags) => {
      parseTime(o.before, 'before');
      const res = await adminCall<{ files: { name: string; size: number }[] }>(
        { address: o.rpc, tls: rpcTls(o), deadlineMs: 30_000 },
        logsService(),
        'DeleteLogs',
        { types: o.type.flatMap((t) => t.split(',')), before: o.before },
        await adminKeyOf(o),
      );
      if (o.json) process.stdout.write(`${JSON.stringify(res)}\n`);
      else {
        for (const f of res.files) process.stdout.write(`${String(f.size).padStart(10)}  ${f.name}\n`);
        process.stdout.write(`${res.files.length} files deleted\n`);
      }
    });
}

export function registerLogsCommands(program: Command): void {
  const logs = program
    .command('logs')
    .description("a node's log files: query, back up, verify a backup (docs/operations.md, Log management)");
  addAdminFlags(
    logs
      .command('query')
      .description(
        "print the lines of a node's logs that match, oldest first, streams merged by time: from its folder (--dir) or from the running node (--rpc)",
      )
      .option('--dir <folder>', "the node's log folder (config logs.dir)")
      .option(
        '--rpc <host:port>',
        'ask a running node instead (its Logs service; off loopback as an administrator)',
      )
      .option('--tls-ca <file>', "PEM CA bundle that signs the node's certificate (with --rpc)")
      .option('--tls-cert <file>', 'PEM client certificate for mutual TLS (with --rpc and --tls-key)')
      .option('--tls-key <file>', 'PEM private key of --tls-cert')
      .option('--insecure', 'plaintext to a non-loopback --rpc (no TLS)'),
  )
    .option(
      '--type <type>',
      'operation, audit, consensus or contract (repeat, or comma-separated); default all',
      collect,
      [],
    )
    .option('--from <iso>', 'lines at or after this time (ISO 8601)')
    .option('--to <iso>', 'lines at or before this time (ISO 8601)')
    .option('--level <level>', 'lowest level shown: trace, debug, info, warn, error, fatal')
    .option('--module <name>', 'this module and its sub-modules (p2p matches p2p.gossip)')
    .option('--grep <regex>', 'lines whose JSON text matches this regular expression')
    .option('--limit <n>', 'at most n lines')
    .option('--json', 'JSON Lines: each line as written, with its stream and file')
    .action(async (o: QueryFlags) => {
      if ((o.dir === undefined) === (o.rpc === undefined))
        throw new Error('logs query needs exactly one of --dir <folder> or --rpc <host:port>');
      if (o.dir !== undefined) await queryFolder(o.dir, o);
      else await queryNode(o as QueryFlags & RpcFlags);
    });
  logs
    .command('backup')
    .description('a tar.gz of the log files covering a time range, with a manifest (name, size, SHA-256)')
    .requiredOption('--dir <folder>', "the node's log folder")
    .requiredOption('--out <file.tar.gz>', 'archive to write')
    .option('--from <iso>', 'files with lines at or after this time')
    .option('--to <iso>', 'files with lines at or before this time')
    .option('--json', 'print the manifest as JSON')
    .action(async (o: { dir: string; out: string; from?: string; to?: string; json?: boolean }) => {
      const manifest = await backupLogs(o.dir, o.out, {
        fromMs: o.from === undefined ? undefined : parseTime(o.from, 'from'),
        toMs: o.to === undefined ? undefined : parseTime(o.to, 'to'),
      });
      if (o.json) process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
      else {
        for (const f of manifest.files)
          process.stdout.write(`${f.sha256}  ${String(f.size).padStart(10)}  ${f.name}\n`);
        process.stdout.write(`${manifest.files.length} files written to ${o.out}\n`);
      }
    });
  logs
    .command('verify-backup')
    .description("check every file of a log backup against the archive's manifest; exit 1 on any difference")
    .argument('<file.tar.gz>', 'archive written by logs backup')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const v = await verifyBackup(file);
      if (o.json)
        process.stdout.write(
          `${JSON.stringify({ ok: v.ok, problems: v.problems, manifest: v.manifest }, null, 2)}\n`,
        );
      else if (v.ok) process.stdout.write(`ok: ${v.manifest?.files.length ?? 0} files match the manifest\n`);
      else process.stdout.write(`FAILED:\n${v.problems.map((p) => `  ${p}`).join('\n')}\n`);
      if (!v.ok) process.exitCode = 1;
    });
  registerDelete(logs);
}
