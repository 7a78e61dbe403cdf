// `bkdms e2e run|generate|crash-sweep|long`: the end-to-end fault suite on real node processes
// (docs/reliability.md). `run` carries out manifests, `generate` writes random ones (deterministic
// per seed), `crash-sweep` runs one manifest per crash point, `long` runs random manifests one
// after another for a span of time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { crashSweepManifests, SWEEP_POINTS, type SweepPoint } from '../e2e/crash-sweep.js';
import { generateManifests } from '../e2e/generate.js';
import { readManifest } from '../e2e/manifest.js';
import { type RunReport, runManifest } from '../e2e/runner.js';

/** "90000", "90s", "30m": a span in ms. */
export function parseSpan(text: string, flag: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) throw new Error(`${flag} must be a number of ms, or end in s, m or h (e.g. 30m)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3600_000 }[m[2] ?? 'ms'] ?? 1;
  return Number(m[1]) * unit;
}

function intOf(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${flag} must be an integer from ${min} to ${max}`);
  return n;
}

function summary(r: RunReport): string {
  const stages = r.stages.map((s) => `${s.stage} ${((s.toMs - s.fromMs) / 1000).toFixed(1)}s`).join(', ');
  const p = r.platform?.counts;
  const platform =
    p === undefined ? '' : `, platform stored ${p.stored} of ${p.committed} uploads (${p.opened} opened)`;
  const head = `${r.ok ? 'PASS' : 'FAIL'} ${r.name}: tip ${r.tip}, ${r.set?.counts.committed ?? 0} envelopes committed, ${r.traced} traces verified${platform} (${stages})`;
  const tail = r.ok
    ? r.kept
      ? `\n  kept: ${r.dir}`
      : ''
    : `\n${r.failures.map((f) => `  - ${f}`).join('\n')}\n  run folder: ${r.dir}`;
  return `${head}${tail}\n`;
}

async function runAll(
  manifests: Parameters<typeof runManifest>[0][],
  o: { keep?: boolean; dir?: string; json?: boolean; quiet?: boolean },
): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const m of manifests) {
    const dir = o.dir === undefined ? undefined : join(o.dir, m.name);
    const r = await runManifest(m, {
      dir,
      keep: o.keep,
      log: o.json || o.quiet ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    reports.push(r);
    if (!o.json) process.stdout.write(summary(r));
  }
  if (o.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  if (reports.some((r) => !r.ok)) process.exitCode = 1;
  return reports;
}

export function registerE2ECommands(program: Command): void {
  const e2e = program
    .command('e2e')
    .description('end-to-end fault runs on real node processes (docs/reliability.md)');
  e2e
    .command('run')
    .description(
      'run manifests: setup, start, load, perturb, wait, check, stop; a failed run keeps its folder',
    )
    .argument('<manifest...>', 'manifest files (JSON)')
    .option('--keep', 'keep the folder of a passed run too')
    .option('--dir <dir>', 'parent folder of the run folders (default: the system temporary folder)')
    .option('--json', 'print the reports as JSON instead of a summary (stage log off)')
    .action(async (files: string[], o: { keep?: boolean; dir?: string; json?: boolean }) => {
      await runAll(files.map(readManifest), o);
    });
  e2e
    .command('generate')
    .description('write random manifests, the same for the same seed, never more than f nodes out at once')
    .requiredOption('--seed <n>', 'seed')
    .option('--count <k>', 'number of manifests', '5')
    .option('--out <dir>', 'folder to write gen-<seed>-<k>.json into', '.')
    .option('--duration <span>', 'load duration of each (ms, or 30s, 2m)', '30s')
    .option('--validators <list>', 'validator counts to draw from, comma separated', '4')
    .action((o: { seed: string; count: string; out: string; duration: string; validators: string }) => {
      const manifests = generateManifests({
        seed: intOf(o.seed, '--seed', 0, 2 ** 32 - 1),
        count: intOf(o.count, '--count', 1, 1000),
        durationMs: parseSpan(o.duration, '--duration'),
        validators: o.validators.split(',').map((v) => intOf(v, '--validators', 1, 16)),
      });
      mkdirSync(o.out, { recursive: true });
      for (const m of manifests) {
        const path = join(o.out, `${m.name}.json`);
        writeFileSync(path, `${JSON.stringify(m, null, 2)}\n`);
        process.stdout.write(`${path}\n`);
      }
    });
  e2e
    .command('crash-sweep')
    .description(
      "for each crash point of the commit and persist path (and the platform's block write): run load, kill a node (the platform) there, restart it, check the invariants",
    )
    .option('--points <list>', `comma-separated points (default all: ${SWEEP_POINTS.join(', ')})`)
    .option('--duration <span>', 'load duration of each run', '60s')
    .option('--keep', 'keep the folders of passed runs too')
    .option('--dir <dir>', 'parent folder of the run folders')
    .option('--json', 'print the reports as JSON instead of a summary (stage log off)')
    .action(
      async (o: { points?: string; duration: string; keep?: boolean; dir?: string; json?: boolean }) => {
        const points = o.points?.split(',').map((p) => p.trim());
        for (const p of points ?? [])
          if (!(SWEEP_POINTS as readonly string[]).includes(p))
            throw new Error(`--points: unknown crash point "${p}" (known: ${SWEEP_POINTS.join(', ')})`);
        const manifests = crashSweepManifests({
          points: points as SweepPoint[] | undefined,
          durationMs: parseSpan(o.duration, '--duration'),
        });
        await runAll(manifests, o);
      },
    );
  e2e
    .command('long')
    .description('random manifests one after another until the span is spent (npm run e2e:long: 30 minutes)')
    .option('--duration <span>', 'total span (ms, or 30m)', '30m')
    .option('--seed <n>', 'seed of the random manifests (default: from the clock, printed)')
    .option('--each <span>', 'load duration of each manifest', '60s')
    .option('--keep', 'keep the folders of passed runs too')
    .option('--dir <dir>', 'parent folder of the run folders')
    .action(async (o: { duration: string; seed?: string; each: string; keep?: boolean; dir?: string }) => {
      const total = parseSpan(o.duration, '--duration');
      const each = parseSpan(o.each, '--each');
      const seed = o.seed === undefined ? Date.now() % 2 ** 31 : intOf(o.seed, '--seed', 0, 2 ** 32 - 1);
      process.stdout.write(`e2e long: seed ${seed}, ${total} ms in all\n`);
      const end = Date.now() + total;
      let failed = 0;
      for (let k = 0; Date.now() < end; k++) {
        // The last manifest's load fits what is left (at least 10 s).
        const durationMs = Math.max(10_000, Math.min(each, end - Date.now()));
        const [m] = generateManifests({ seed: seed + k, count: 1, durationMs });
        const [r] = await runAll([m!], { keep: o.keep, dir: o.dir });
        if (r !== undefined && !r.ok) failed++;
      }
      process.stdout.write(`e2e long: ${failed === 0 ? 'all passed' : `${failed} failed`}\n`);
    });
}
