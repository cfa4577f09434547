/**
 * Real servers on loopback for the backup tests: versitygw (an S3-compatible gateway built
 * from its Go module by test/backups/build.sh) over a POSIX folder, and PostgreSQL from
 * Debian's packages, initialised in a temporary folder and run as a non-root user.
 */
import { ChildProcess, execFileSync, spawn, SpawnOptions } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../support/manifests';

export const S3_ACCESS = 'backup-test-access';
export const S3_SECRET = 'backup-test-secret-key-not-used-elsewhere';
export const PG_PASSWORD = 'restore-test-password';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A tool the test needs, with the package that provides it when missing. */
export function requireTool(path: string, pkg: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: install ${pkg} (.ci/run does: apt-get install -y ${pkg})`);
  return path;
}

async function waitFor(what: string, check: () => boolean, proc: ChildProcess, log: () => string, timeoutMs = 60000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}:\n${log()}`);
    if (Date.now() - start > timeoutMs) throw new Error(`${what} did not become ready in ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts a server with its output in a log file, not a pipe: the tests call tools
 * synchronously, and a server blocked on a full pipe while Node's event loop waits would
 * hang every request.
 */
function started(cmd: string, args: string[], logFile: string, opts: SpawnOptions): { proc: ChildProcess; log: () => string } {
  const fd = openSync(logFile, 'a');
  const proc = spawn(cmd, args, { ...opts, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { proc, log: () => readFileSync(logFile, 'utf8').slice(-4000) };
}

function portOpen(port: number): boolean {
  try {
    execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface S3Server {
  readonly endpoint: string;
  stop(): void;
}

/** versitygw serving `dir` (one folder per bucket) in `region`, metadata in a sidecar folder. */
export async function startS3(dir: string, region: string): Promise<S3Server> {
  const bin = requireTool(join(process.env.BACKUPS_BIN_DIR ?? join(ROOT, '.cache', 'backups-bin'), 'versitygw'), 'versitygw (bash test/backups/build.sh)');
  const port = await freePort();
  const data = join(dir, 'data');
  const meta = join(dir, 'meta');
  mkdirSync(data, { recursive: true });
  mkdirSync(meta, { recursive: true });
  const { proc, log } = started(bin, ['--access', S3_ACCESS, '--secret', S3_SECRET, '--region', region, '--port', `127.0.0.1:${port}`, 'posix', '--sidecar', meta, data], join(dir, 'versitygw.log'), {});
  await waitFor('versitygw', () => portOpen(port), proc, log);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => proc.kill('SIGTERM') };
}

export interface Postgres {
  readonly port: number;
  /** libpq URL of database `name`, owned by role `name`. */
  url(name: string): string;
  /** Runs SQL as the superuser against a database; returns psql's unaligned output. */
  sql(db: string, statement: string): string;
  stop(): void;
}

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error(`${base} has no PostgreSQL: install postgresql (.ci/run does: apt-get install -y postgresql)`);
  return join(base, versions[0], 'bin');
}

/**
 * initdb + postgres in `dir`, as the invoking user or, when that is root (CI), as `nobody`:
 * PostgreSQL refuses to run as root.
 */
export async function startPostgres(dir: string): Promise<Postgres> {
  const bin = pgBin();
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const ids = root ? { uid: Number(execFileSync('id', ['-u', 'nobody']).toString()), gid: Number(execFileSync('id', ['-g', 'nobody']).toString()) } : {};
  mkdirSync(dir, { recursive: true });
  if (root) chownSync(dir, ids.uid!, ids.gid!);
  const data = join(dir, 'pgdata');
  // Passwords over TCP (what the jobs use), trust only on the Unix socket the test itself uses.
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-host=scram-sha-256', '--auth-local=trust', '--no-sync', '-E', 'UTF8'], { ...ids, stdio: 'pipe', cwd: dir });
  const { proc, log } = started(join(bin, 'postgres'), ['-D', data, '-k', dir, '-h', '127.0.0.1', '-p', String(port), '-c', 'fsync=off'], join(dir, 'postgres.log'), { ...ids, cwd: dir });
  await waitFor('postgres', () => portOpen(port) && existsSync(join(dir, `.s.PGSQL.${port}`)), proc, log);
  const psql = (db: string, statement: string) =>
    execFileSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', db, '-c', statement], { encoding: 'utf8' });
  // pg_isready would do, but a first query proves the server accepts work.
  for (let i = 0; ; i++) {
    try {
      psql('postgres', 'SELECT 1');
      break;
    } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    port,
    url: (name) => `postgresql://${name}:${PG_PASSWORD}@127.0.0.1:${port}/${name}`,
    sql: psql,
    stop: () => proc.kill('SIGINT'),
  };
}

export interface Redis {
  readonly port: number;
  /** Runs one redis-cli command against the server; returns its raw output. */
  cli(...args: string[]): string;
  stop(): void;
}

/** redis-server on loopback with a password, its data (and any RDB file to load) in `dir`. */
export async function startRedis(dir: string, password: string, rdbFile = 'dump.rdb'): Promise<Redis> {
  const bin = requireTool('/usr/bin/redis-server', 'redis-server');
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const { proc, log } = started(bin, ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--dir', dir, '--dbfilename', rdbFile, '--appendonly', 'no', '--save', ''], join(dir, 'redis.log'), {});
  await waitFor('redis-server', () => portOpen(port), proc, log);
  const cli = (...args: string[]) =>
    execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--no-raw', ...args], { encoding: 'utf8', env: { ...process.env, REDISCLI_AUTH: password } });
  for (let i = 0; cli('PING').trim() !== 'PONG'; i++) {
    if (i > 50) throw new Error(`redis-server did not answer PING:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, cli, stop: () => proc.kill('SIGTERM') };
}
