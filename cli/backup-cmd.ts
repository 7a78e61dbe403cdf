// `bkdms backup create|verify|restore`: a stopped node's data folder (or, with --platform, an
// embedded platform database's folder) as one tar.gz with a manifest of SHA-256s; and
// `bkdms prune hold set|clear|list`: the operator's holds on block-body pruning. docs/operations.md.
import type { Command } from 'commander';
import { createNodeBackup, restoreNodeBackup, verifyNodeBackup } from '../node/backup/node-backup.js';
import { clearHold, readHolds, setHold } from '../node/retention.js';
import { createPlatformBackup, restorePlatformBackup, verifyPlatformBackup } from '../platform/backup.js';
import type { DirManifest, Progress } from '../runtime/dir-backup.js';

const say = (s: string): void => void process.stdout.write(`${s}\n`);
const MiB = (n: number): string => (n / 1048576).toFixed(1);

/** A progress line on stderr each time another 5% is done. */
function progressLine(what: string): Progress {
  let shown = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 20) * 5;
    if (pct === shown) return;
    shown = pct;
    process.stderr.write(`${what}: ${pct}% (${MiB(done)} of ${MiB(total)} MiB)\n`);
  };
}

function printManifest(m: DirManifest, json: boolean | undefined): void {
  if (json) {
    say(JSON.stringify(m, null, 2));
    return;
  }
  for (const f of m.files) say(`${f.sha256}  ${f.size}  ${f.name}`);
  const meta = Object.entries(m.meta).map(([k, v]) => `${k} ${v}`);
  say(`${m.kind}, ${m.files.length} files${meta.length > 0 ? `, ${meta.join(', ')}` : ''}`);
}

function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description(
      "back up, verify and restore a STOPPED node's data folder, or with --platform an embedded platform database folder",
    );
  backup
    .command('create')
    .description(
      'write a tar.gz of the folder with a manifest (SHA-256 of each file); refused while the node or platform runs',
    )
    .requiredOption('--data <dir>', 'the data folder (config dataDir)')
    .requiredOption('--out <file.tar.gz>', 'archive to write (mode 0600: it holds the query cursor secret)')
    .option('--platform', "the folder is an embedded (PGlite) platform database's")
    .option('--json', 'print the manifest as JSON')
    .action(async (o: { data: string; out: string; platform?: boolean; json?: boolean }) => {
      const progress = progressLine('backup');
      const m = o.platform
        ? await createPlatformBackup(o.data, o.out, progress)
        : await createNodeBackup(o.data, o.out, progress);
      printManifest(m, o.json);
    });
  backup
    .command('verify')
    .description('re-read an archive and check every file against its manifest')
    .argument('<file>', 'the archive')
    .option('--platform', 'a platform database archive')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { platform?: boolean; json?: boolean }) => {
      const r = o.platform ? await verifyPlatformBackup(file) : await verifyNodeBackup(file);
      if (o.json) say(JSON.stringify({ ok: r.ok, problems: r.problems, manifest: r.manifest }, null, 2));
      else if (r.ok) say(`ok: ${r.manifest?.files.length ?? 0} files match the manifest`);
      else for (const p of r.problems) say(p);
      if (!r.ok) process.exitCode = 1;
    });
  backup
    .command('restore')
    .description(
      'restore an archive into an empty folder: hashes checked first, then (node) the restored chain is checked',
    )
    .argument('<file>', 'the archive')
    .requiredOption('--data <dir>', 'the folder to restore into (absent or empty)')
    .option('--platform', 'a platform database archive')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, o: { data: string; platform?: boolean; json?: boolean }) => {
      const progress = progressLine('restore');
      if (o.platform) {
        const m = await restorePlatformBackup(file, o.data, progress);
        return say(o.json ? JSON.stringify({ manifest: m }, null, 2) : `restored ${m.files.length} files`);
      }
      const r = await restoreNodeBackup(file, o.data, progress, (h, tip) =>
        process.stderr.write(`chain check: ${h} of ${tip}\n`),
      );
      if (o.json) return say(JSON.stringify(r, null, 2));
      say(
        `restored ${r.manifest.files.length} files; chain ${r.chain.chainId.slice(0, 16)}… checked: ` +
          `${r.chain.headers} headers${r.chain.base > 0 ? ` from its state-sync base ${r.chain.base}` : ''}, ` +
          `${r.chain.bodies} bodies (from height ${r.chain.earliestHeight}), tip ${r.chain.tip}`,
      );
    });
}

function registerPrune(program: Command): void {
  const prune = program
    .command('prune')
    .description('block-body pruning (docs/storage.md, Retention and pruning)');
  const hold = prune
    .command('hold')
    .description(
      "an operator's holds: a running node keeps every body from the lowest hold up (read each run)",
    );
  hold
    .command('set')
    .description('set or move a named hold')
    .requiredOption('--data <dir>', "the node's data folder")
    .requiredOption('--name <name>', 'name of the hold (letters, digits, . _ -)')
    .requiredOption('--height <h>', 'keep bodies from this height up')
    .option('--note <text>', 'why', '')
    .action(async (o: { data: string; name: string; height: string; note: string }) => {
      const height = Number(o.height);
      if (!Number.isSafeInteger(height) || height < 1) throw new Error('--height must be a whole number ≥ 1');
      await setHold(o.data, { name: o.name, height, setAt: new Date().toISOString(), note: o.note });
      say(`hold ${o.name} at height ${height}`);
    });
  hold
    .command('clear')
    .description('remove a named hold')
    .requiredOption('--data <dir>', "the node's data folder")
    .requiredOption('--name <name>', 'name of the hold')
    .action(async (o: { data: string; name: string }) => {
      if (!(await clearHold(o.data, o.name))) {
        say(`no hold named ${o.name}`);
        process.exitCode = 1;
      } else say(`hold ${o.name} cleared`);
    });
  hold
    .command('list')
    .description('print the holds')
    .requiredOption('--data <dir>', "the node's data folder")
    .option('--json', 'print as JSON')
    .action((o: { data: string; json?: boolean }) => {
      const holds = readHolds(o.data);
      if (o.json) return say(JSON.stringify(holds, null, 2));
      if (holds.length === 0) say('no holds');
      for (const h of holds) say(`${h.name}  ${h.height}  ${h.setAt}${h.note ? `  ${h.note}` : ''}`);
    });
}

export function registerBackupCommands(program: Command): void {
  registerBackup(program);
  registerPrune(program);
}
