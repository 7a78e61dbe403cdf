// A throw-away PostgreSQL server for tests and benchmarks: a fresh cluster (initdb) in a temp folder, listening
// only on 127.0.0.1 at a free port, fsync off, password authentication, one database.
//
// Usage — one server per test file:
//
//   let server: PgServer;
//   beforeAll(async () => { server = await startPgServer(); }, PG_START_TIMEOUT_MS);
//   afterAll(() => server?.stop(), PG_START_TIMEOUT_MS);
//   it('…', async () => { const c = new pg.Client({ connectionString: server.url }); … });
//
// Needs the PostgreSQL server binaries (initdb, pg_ctl, postgres): `.ci/ensure-postgres.sh` installs
// them, `npm test` runs it first. Lookup order: $BKDMS_PG_BIN, the newest
// /usr/lib/postgresql/<v>/bin, the PATH. initdb refuses root: as root the server runs as the
// `postgres` user and the temp folder is handed to it. A test run that dies without calling
// stop() leaves nothing behind for long: a detached watchdog shell kills the server and removes
// the folder within about a second of the test process's death.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePorts } from './ports.js';

/** Generous: initdb and the first start take seconds on a loaded machine. */
export const PG_START_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 60_000;
const DATABASE = 'bkdms_test';

export interface PgServer {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/bkdms_test */
  url: string;
  port: number;
  /** The temp folder: data/, server.log and the unix socket. */
  dir: string;
  /** Stops the server (fast mode) and removes its folder. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server but keeps its data (to test a database that goes down). */
  takeDown(): Promise<void>;
  /** Starts a server taken down again, on the same port, and waits until it accepts connections. */
  bringUp(): Promise<void>;
}

/** The folder holding initdb, pg_ctl and postgres, or a clear error naming the install step. */
export function pgBinDir(): string {
  const has = (d: string) => ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(d, b)));
  const env = process.env.BKDMS_PG_BIN;
  if (env !== undefined && env !== '') {
    if (has(env)) return env;
    throw new Error(`BKDMS_PG_BIN=${env} holds no initdb, pg_ctl and postgres`);
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  for (const v of versions.sort((a, b) => Number(b) - Number(a))) {
    if (has(join(root, v, 'bin'))) return join(root, v, 'bin');
  }
  for (const d of (process.env.PATH ?? '').split(':')) {
    if (d !== '' && existsSync(join(d, 'initdb'))) {
      const real = dirname(realpathSync(join(d, 'initdb')));
      if (has(real)) return real;
    }
  }
  throw new Error(
    'PostgreSQL server binaries not found: run `bash .ci/ensure-postgres.sh` (or set BKDMS_PG_BIN)',
  );
}

interface RunAs {
  /** Prefix that runs a command as the server's user (empty when we are not root). */
  prefix: string[];
  uid: number;
  gid: number;
}

function runAs(): RunAs {
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return { prefix: [], uid, gid: process.getgid?.() ?? -1 };
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { prefix: ['runuser', '-u', 'postgres', '--'], uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('running as root needs a `postgres` user: run `bash .ci/ensure-postgres.sh`');
  }
}

/** Runs a command (as the server's user) in `cwd`; rejects with its output when it fails. */
function run(as: RunAs, cwd: string, cmd: string, args: string[]): Promise<string> {
  const argv = [...as.prefix, cmd, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args[0] ?? ''} failed (${code}): ${out}`)),
    );
  });
}

/** Polls a real connection until the server answers `select 1`, bounded by READY_TIMEOUT_MS. */
async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('select 1');
      return;
    } catch (e) {
      last = e;
    } finally {
      await c.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`PostgreSQL at ${url} not ready within ${READY_TIMEOUT_MS} ms: ${String(last)}`);
}

// Runs detached, outliving the test process: once that process is gone (even SIGKILLed), stops
// the postmaster (SIGQUIT: immediate shutdown, then SIGKILL) and removes the folder.
const WATCHDOG = `
parent=$1; dir=$2
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
pidfile="$dir/data/postmaster.pid"
if [ -f "$pidfile" ]; then
  pid=$(head -n 1 "$pidfile")
  kill -QUIT "$pid" 2>/dev/null
  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
  kill -KILL "$pid" 2>/dev/null
fi
rm -rf "$dir"
`;

export async function startPgServer(): Promise<PgServer> {
  const bin = pgBinDir();
  const as = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'bkdms-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(18).toString('hex');
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'pg-watchdog', String(process.pid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  // The last resort inside this process: a postmaster left running at exit is told to go now.
  const onExit = () => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // not running
    }
  };
  process.on('exit', onExit);
  let port = 0;
  let url = '';
  const pgCtl = (args: string[]) => run(as, dir, join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const start = async () => {
    const opts = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    await pgCtl(['-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', opts, 'start']);
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (existsSync(join(data, 'postmaster.pid'))) await pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']);
    } finally {
      process.off('exit', onExit);
      if (watchdog.pid !== undefined) process.kill(watchdog.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    if (as.prefix.length > 0) chownSync(dir, as.uid, as.gid);
    const pwfile = join(dir, 'pwfile');
    writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    if (as.prefix.length > 0) chownSync(pwfile, as.uid, as.gid);
    await run(as, dir, join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--pwfile',
      pwfile,
      '--auth',
      'scram-sha-256',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    rmSync(pwfile);
    // A free port can be taken between asking and binding: a start that fails is retried.
    for (let attempt = 1; ; attempt++) {
      [port] = (await freePorts(1)) as [number];
      try {
        await start();
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    const admin = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
    await waitReady(admin);
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${DATABASE}`);
    await c.end();
    url = `postgresql://postgres:${password}@127.0.0.1:${port}/${DATABASE}`;
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  return {
    url,
    port,
    dir,
    stop,
    takeDown: () => pgCtl(['-m', 'fast', '-w', '-t', '60', 'stop']).then(() => {}),
    bringUp: async () => {
      await start();
      await waitReady(url);
    },
  };
}
