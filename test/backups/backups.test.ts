/**
 * Backups leave the cluster and come back: the exact commands of our backup CronJobs,
 * migration hook and restore Jobs (read from the synthesized manifests and from the output of
 * `npm run restore`) run against real servers on loopback: an S3 gateway (versitygw), a
 * PostgreSQL server and SQLite files written to while they are backed up. Each test backs up,
 * uploads, deletes the local data, restores from the bucket and compares row for row.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { find, Obj, ROOT, synthesizeRepo } from '../support/manifests';
import { PG_PASSWORD, Postgres, requireTool, S3_ACCESS, S3_SECRET, S3Server, startPostgres, startRedis, startS3 } from './servers';
import { containerEnv, mustRun, runStep, step, stepsOf } from './steps';

const { folders } = synthesizeRepo();
const magnetiq = folders.get('dev/magnetiq')!;
const tequipy = folders.get('dev/tequipy')!;

let tmp: string;
let s3: S3Server;
let pg: Postgres;
let secrets: Record<string, string>;

beforeAll(async () => {
  for (const [tool, pkg] of [['/usr/bin/rclone', 'rclone'], ['/bin/busybox', 'busybox'], ['/usr/bin/psql', 'postgresql-client'], ['/usr/bin/pg_dump', 'postgresql-client'], ['/usr/bin/python3', 'python3']]) requireTool(tool, pkg);
  tmp = mkdtempSync(join(tmpdir(), 'backups-test-'));
  // PostgreSQL runs as nobody when the test runs as root: it must reach its folder.
  chmodSync(tmp, 0o755);
  // The region the jobs sign their requests for, as platform.yaml sets it.
  const region = containerEnv(step(find(magnetiq, 'CronJob', 'magnetiq-backup-db'), 'upload-db'), { RCLONE_CONFIG_STORE_ACCESS_KEY_ID: '', RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: '' }).RCLONE_CONFIG_STORE_REGION;
  s3 = await startS3(join(tmp, 's3'), region);
  pg = await startPostgres(join(tmp, 'pg'));
  secrets = { RCLONE_CONFIG_STORE_ENDPOINT: s3.endpoint, RCLONE_CONFIG_STORE_ACCESS_KEY_ID: S3_ACCESS, RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: S3_SECRET };
  // The bucket exists before any job runs (the jobs never create it: no_check_bucket).
  rclone(['mkdir', 'store:voltaic-backups-dev']);
}, 120000);

afterAll(() => {
  pg?.stop();
  s3?.stop();
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

/** rclone with the remote `store:` exactly as the upload step of magnetiq's backup defines it. */
function rclone(args: string[], input?: string): string {
  const upload = step(find(magnetiq, 'CronJob', 'magnetiq-backup-db'), 'upload-db');
  const env = containerEnv(upload, { ...secrets, BACKUP_DIR: '/nonexistent' });
  delete env.RCLONE_CONFIG_STORE_NO_CHECK_BUCKET;
  return execFileSync('rclone', args, { env: { PATH: process.env.PATH, HOME: tmp, ...env }, encoding: 'utf8', input, timeout: 60000 });
}

function listing(prefix: string): string[] {
  return rclone(['lsf', '--files-only', `store:voltaic-backups-dev/${prefix}`]).split('\n').filter((l) => l !== '').sort();
}

/** `npm run restore` as a user runs it; returns the objects it wrote. */
function restoreCommand(args: string[], out: string): Obj[] {
  const r = spawnSync('npx', ['tsx', 'scripts/restore.ts', ...args, '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`npm run restore ${args.join(' ')} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  return execFileSync('ls', [out], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => load(readFileSync(join(out, f), 'utf8')) as Obj);
}

function python(code: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
}

/** Every row of every table of an SQLite file, as JSON, in a stable order. */
function sqliteRows(file: string): string {
  return python(
    [
      'import json, sqlite3, sys',
      'c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)',
      'tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type=\'table\' ORDER BY name")]',
      'print(json.dumps({t: c.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}))',
    ].join('\n'),
    file,
  ).trim();
}

describe('SQLite (magnetiq, dev)', () => {
  const cron = find(magnetiq, 'CronJob', 'magnetiq-backup-db');
  let data: string;
  let backup: string;
  let db: string;
  let home: string;
  let backedUp: string;
  const prefix = 'magnetiq/dev/db';

  beforeAll(() => {
    data = join(tmp, 'magnetiq', 'data');
    backup = join(tmp, 'magnetiq', 'backup');
    home = join(tmp, 'magnetiq', 'home');
    for (const d of [data, backup, home]) mkdirSync(d, { recursive: true });
    db = join(data, 'magnetiq.db');
    python(
      [
        'import sqlite3, sys',
        'c = sqlite3.connect(sys.argv[1])',
        'c.execute("PRAGMA journal_mode=WAL")',
        'c.execute("CREATE TABLE leads (id INTEGER PRIMARY KEY, email TEXT NOT NULL, score REAL)")',
        'c.executemany("INSERT INTO leads (email, score) VALUES (?, ?)", [(f"lead{i}@example.com", i / 7) for i in range(5000)])',
        'c.commit()',
      ].join('\n'),
      db,
    );
  });

  test('the CronJob backs up while the app writes, then uploads and verifies the copy', async () => {
    expect(stepsOf(cron).map((c) => c.name)).toEqual(['backup-db', 'upload-db']);
    // The writer: one insert every few milliseconds, in WAL mode like the app, for the whole backup.
    const writer: ChildProcess = spawn('python3', ['-c', [
      'import sqlite3, sys, time',
      'c = sqlite3.connect(sys.argv[1], timeout=30)',
      'i = 0',
      'while True:',
      '    c.execute("INSERT INTO leads (email, score) VALUES (?, ?)", (f"live{i}@example.com", i))',
      '    c.commit()',
      '    i += 1',
      '    time.sleep(0.002)',
    ].join('\n'), db], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    const paths = { DB_FILE: db, BACKUP_DIR: backup };
    const dump = mustRun(step(cron, 'backup-db'), containerEnv(step(cron, 'backup-db'), paths), home);
    await new Promise((r) => setTimeout(r, 200));
    writer.kill('SIGKILL');
    expect(dump.stdout).toMatch(/^backup written: .*\/magnetiq\.db\.\d{8}T\d{6}Z\.bak$/m);
    const upload = mustRun(step(cron, 'upload-db'), containerEnv(step(cron, 'upload-db'), { ...paths, ...secrets }), home);
    expect(upload.stdout).toContain('uploaded to store:voltaic-backups-dev/magnetiq/dev/db: 1 backups kept');
    const objects = listing(prefix);
    expect(objects).toHaveLength(2);
    expect(objects[0]).toMatch(/^magnetiq\.db\.\d{8}T\d{6}Z\.bak$/);
    expect(objects[1]).toBe(`${objects[0]}.sha256`);
    const name = objects[0];
    backedUp = sqliteRows(join(backup, name));
    const leads = (JSON.parse(backedUp) as { leads: unknown[][] }).leads;
    // Every row committed before the backup began, and the live rows of a consistent moment.
    expect(leads.length).toBeGreaterThan(5000);
    expect(leads.slice(0, 5000)).toEqual(Array.from({ length: 5000 }, (_, i) => [i + 1, `lead${i}@example.com`, i / 7]));
    expect(leads.slice(5000).every((r, i) => r[1] === `live${i}@example.com`)).toBe(true);
  });

  test('npm run restore writes a Job that stops the writer, restores the latest copy from the bucket after the local data is gone, and starts the writer', () => {
    rmSync(data, { recursive: true });
    rmSync(backup, { recursive: true });
    mkdirSync(data);
    mkdirSync(backup);
    const objs = restoreCommand(['--app', 'magnetiq', '--env', 'dev'], join(tmp, 'restore-magnetiq'));
    const job = find(objs, 'Job', 'magnetiq-restore-db');
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Job/magnetiq-restore-db', 'Role/magnetiq-restore-db', 'RoleBinding/magnetiq-restore-db']);
    expect(stepsOf(job).map((c) => c.name)).toEqual(['stop-writer', 'wait-writer-gone', 'fetch', 'restore', 'start-writer']);
    expect(step(job, 'stop-writer').command).toEqual(['kubectl', 'scale', 'deployment/magnetiq-backend', '--replicas=0', '--namespace=magnetiq-dev']);
    expect(step(job, 'start-writer').command).toEqual(['kubectl', 'scale', 'deployment/magnetiq-backend', '--replicas=1', '--namespace=magnetiq-dev']);
    const env = { DB_FILE: db, RESTORE_DIR: join(backup, 'restore'), ...secrets };
    const fetched = mustRun(step(job, 'fetch'), containerEnv(step(job, 'fetch'), env), home);
    expect(fetched.stdout).toMatch(/^fetched and verified magnetiq\.db\.\d{8}T\d{6}Z\.bak$/m);
    const restored = mustRun(step(job, 'restore'), containerEnv(step(job, 'restore'), env), home);
    expect(restored.stdout).toMatch(/^restored .*magnetiq\.db from magnetiq\.db\.\d{8}T\d{6}Z\.bak$/m);
    expect(sqliteRows(db)).toBe(backedUp);
  });

  test('fails loudly when the copy in the bucket was altered after upload, and leaves the database alone', () => {
    const name = listing(prefix).find((n) => n.endsWith('.bak'))!;
    rclone(['rcat', `store:voltaic-backups-dev/${prefix}/${name}`], 'not what was uploaded');
    const job = find(restoreCommand(['--app', 'magnetiq', '--env', 'dev', '--from', name], join(tmp, 'restore-magnetiq-altered')), 'Job', 'magnetiq-restore-db');
    const r = runStep(step(job, 'fetch'), containerEnv(step(job, 'fetch'), { RESTORE_DIR: join(backup, 'restore-altered'), ...secrets }), home);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`restore: ${name} does not match its checksum: refusing to restore`);
    expect(sqliteRows(db)).toBe(backedUp);
  });

  test('fails loudly when a copy with a matching checksum is not a database, and leaves the database alone', () => {
    const name = 'magnetiq.db.20991231T235959Z.bak';
    const bogus = join(tmp, name);
    writeFileSync(bogus, 'SQLite format 3\0 but nothing after it'.repeat(100));
    const sum = execFileSync('sha256sum', [name], { cwd: tmp, encoding: 'utf8' });
    rclone(['copyto', bogus, `store:voltaic-backups-dev/${prefix}/${name}`]);
    rclone(['rcat', `store:voltaic-backups-dev/${prefix}/${name}.sha256`], sum);
    const job = find(restoreCommand(['--app', 'magnetiq', '--env', 'dev'], join(tmp, 'restore-magnetiq-bogus')), 'Job', 'magnetiq-restore-db');
    const env = { DB_FILE: db, RESTORE_DIR: join(backup, 'restore-bogus'), ...secrets };
    expect(mustRun(step(job, 'fetch'), containerEnv(step(job, 'fetch'), env), home).stdout).toContain(`fetched and verified ${name}`);
    const r = runStep(step(job, 'restore'), containerEnv(step(job, 'restore'), env), home);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`backup .*${name.replace(/\./g, '\\.')} (is not a readable SQLite database|failed PRAGMA integrity_check)`));
    expect(sqliteRows(db)).toBe(backedUp);
  });

  test('the upload step prunes copies in the bucket older than the retention, and keeps younger ones', () => {
    const days = Number(containerEnv(step(cron, 'upload-db'), { ...secrets, BACKUP_DIR: backup }).KEEP_DAYS);
    expect(days).toBe(3);
    const plant = (name: string, ageDays: number) => {
      const file = join(tmp, name);
      writeFileSync(file, `old copy ${name}`);
      const when = Date.now() / 1000 - ageDays * 86400;
      utimesSync(file, when, when);
      // rclone keeps the file's mtime as object metadata, which --min-age reads.
      rclone(['copyto', file, `store:voltaic-backups-dev/${prefix}/${name}`]);
    };
    plant('magnetiq.db.20000101T000000Z.bak', days + 27);
    plant('magnetiq.db.20000101T000000Z.bak.sha256', days + 27);
    plant('magnetiq.db.20000102T000000Z.bak', days - 1);
    mustRun(step(cron, 'backup-db'), containerEnv(step(cron, 'backup-db'), { DB_FILE: db, BACKUP_DIR: backup }), home);
    const upload = mustRun(step(cron, 'upload-db'), containerEnv(step(cron, 'upload-db'), { BACKUP_DIR: backup, ...secrets }), home);
    expect(upload.stdout).toMatch(/uploaded to store:voltaic-backups-dev\/magnetiq\/dev\/db: \d+ backups kept/);
    const left = listing(prefix);
    expect(left).not.toContain('magnetiq.db.20000101T000000Z.bak');
    expect(left).not.toContain('magnetiq.db.20000101T000000Z.bak.sha256');
    expect(left).toContain('magnetiq.db.20000102T000000Z.bak');
  });
});

describe('PostgreSQL (tequipy, dev)', () => {
  const cron = find(tequipy, 'CronJob', 'tequipy-backup-db');
  const migrate = find(tequipy, 'Job', 'tequipy-migrate');
  const prefix = 'tequipy/dev/db';
  let backup: string;
  let home: string;
  let url: string;
  const psql = (statement: string) => execFileSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '--dbname', url, '-c', statement], { encoding: 'utf8' });
  const snapshot = () =>
    psql(
      "SELECT json_build_object('columns', (SELECT json_agg(table_name || '.' || column_name ORDER BY table_name, ordinal_position) FROM information_schema.columns WHERE table_schema = 'public'), " +
        "'users', (SELECT json_agg(u ORDER BY id) FROM users u), 'orders', (SELECT json_agg(o ORDER BY id) FROM orders o), 'alembic', (SELECT json_agg(a) FROM alembic_version a))",
    ).trim();

  beforeAll(() => {
    backup = join(tmp, 'tequipy', 'backup');
    home = join(tmp, 'tequipy', 'home');
    for (const d of [backup, home]) mkdirSync(d, { recursive: true });
    pg.sql('postgres', `CREATE ROLE tequipy LOGIN PASSWORD '${PG_PASSWORD}'`);
    pg.sql('postgres', 'CREATE DATABASE tequipy OWNER tequipy');
    url = pg.url('tequipy');
    psql(
      'CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES (\'a1b2c3\');' +
        'CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, created timestamptz NOT NULL);' +
        'CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), amount numeric(10,2) NOT NULL, note text);' +
        "INSERT INTO users (email, created) SELECT 'user' || g || '@example.com', timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, 2000) g;" +
        "INSERT INTO orders (user_id, amount, note) SELECT 1 + g % 2000, (g * 37 % 10000) / 100.0, CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ''' || g || E'''\\n' END FROM generate_series(1, 6000) g;",
    );
  });

  /** What every step gets from the pod's Secret and the cluster: the password, and the server's address. */
  const dbEnv = () => ({ POSTGRES_PASSWORD: PG_PASSWORD, DATABASE_URL: url });

  test('the DATABASE_URL the jobs get points at the in-cluster server with the password from the Secret', () => {
    const env = containerEnv(step(cron, 'backup-db'), { POSTGRES_PASSWORD: 's3cret', BACKUP_DIR: backup });
    expect(env.DATABASE_URL).toBe('postgresql://tequipy:s3cret@tequipy-postgres:5432/tequipy');
  });

  test('the CronJob dumps, uploads and verifies; the restore Job brings every row back after the tables are dropped', () => {
    const before = snapshot();
    const env = { ...dbEnv(), BACKUP_DIR: backup, ...secrets };
    expect(mustRun(step(cron, 'backup-db'), containerEnv(step(cron, 'backup-db'), env), home).stdout).toMatch(/backup written: .*\/tequipy-db-\d{8}T\d{6}Z\.sql\.gz/);
    mustRun(step(cron, 'upload-db'), containerEnv(step(cron, 'upload-db'), env), home);
    expect(listing(prefix)).toEqual([expect.stringMatching(/^tequipy-db-\d{8}T\d{6}Z\.sql\.gz$/), expect.stringMatching(/^tequipy-db-\d{8}T\d{6}Z\.sql\.gz\.sha256$/)]);
    psql('DROP TABLE orders; DROP TABLE users; DROP TABLE alembic_version;');
    rmSync(backup, { recursive: true });
    mkdirSync(backup);
    const job = find(restoreCommand(['--app', 'tequipy', '--env', 'dev'], join(tmp, 'restore-tequipy')), 'Job', 'tequipy-restore-db');
    expect(stepsOf(job).map((c) => c.name)).toEqual(['fetch', 'restore']);
    const renv = { ...dbEnv(), RESTORE_DIR: join(backup, 'restore'), ...secrets };
    mustRun(step(job, 'fetch'), containerEnv(step(job, 'fetch'), renv), home);
    const restored = mustRun(step(job, 'restore'), containerEnv(step(job, 'restore'), renv), home);
    expect(restored.stdout).toMatch(/safety dump of the current database: .*tequipy-db-\d{8}T\d{6}Z-pre-restore\.sql\.gz/);
    expect(snapshot()).toBe(before);
  });

  test('fails loudly on a copy that is not a dump, and leaves the database as it was', () => {
    const before = snapshot();
    const name = 'tequipy-db-20991231T235959Z.sql.gz';
    writeFileSync(join(tmp, name), 'this is not gzip');
    const sum = execFileSync('sha256sum', [name], { cwd: tmp, encoding: 'utf8' });
    rclone(['copyto', join(tmp, name), `store:voltaic-backups-dev/${prefix}/${name}`]);
    rclone(['rcat', `store:voltaic-backups-dev/${prefix}/${name}.sha256`], sum);
    const job = find(restoreCommand(['--app', 'tequipy', '--env', 'dev', '--from', name], join(tmp, 'restore-tequipy-bogus')), 'Job', 'tequipy-restore-db');
    const renv = { ...dbEnv(), RESTORE_DIR: join(backup, 'restore-bogus'), ...secrets };
    mustRun(step(job, 'fetch'), containerEnv(step(job, 'fetch'), renv), home);
    const r = runStep(step(job, 'restore'), containerEnv(step(job, 'restore'), renv), home);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`is not a valid gzip file: refusing to restore`);
    expect(snapshot()).toBe(before);
    rclone(['deletefile', `store:voltaic-backups-dev/${prefix}/${name}`]);
    rclone(['deletefile', `store:voltaic-backups-dev/${prefix}/${name}.sha256`]);
  });

  test('a migration that fails after the hook\'s pre-migration backup is rolled back by npm run restore --from that backup', () => {
    const before = snapshot();
    expect(stepsOf(migrate).map((c) => c.name)).toEqual(['pre-migrate-db', 'pre-migrate-upload-db', 'migrate']);
    const env = { ...dbEnv(), BACKUP_DIR: backup, ...secrets };
    mustRun(step(migrate, 'pre-migrate-db'), containerEnv(step(migrate, 'pre-migrate-db'), env), home);
    mustRun(step(migrate, 'pre-migrate-upload-db'), containerEnv(step(migrate, 'pre-migrate-upload-db'), env), home);
    const pre = listing(prefix).find((n) => /^tequipy-db-\d{8}T\d{6}Z-pre-migrate\.sql\.gz$/.test(n));
    expect(pre).toMatch(/pre-migrate/);
    // A migration in autocommit steps that dies half way: the first statements stay.
    const failed = spawnSync('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '--dbname', url, '-c', "ALTER TABLE users ADD COLUMN nickname text", '-c', "UPDATE users SET email = 'migrated-' || email", '-c', "UPDATE alembic_version SET version_num = 'd4e5f6'", '-c', 'ALTER TABLE orders ALTER COLUMN amount TYPE integer USING amount / 0'], { encoding: 'utf8' });
    expect(failed.status).toBe(1);
    expect(snapshot()).not.toBe(before);
    const job = find(restoreCommand(['--app', 'tequipy', '--env', 'dev', '--from', pre!], join(tmp, 'restore-tequipy-migration')), 'Job', 'tequipy-restore-db');
    expect(job.metadata.annotations['gitops-synth/restore-from']).toBe(pre);
    const renv = { ...dbEnv(), RESTORE_DIR: join(backup, 'restore-migration'), ...secrets };
    mustRun(step(job, 'fetch'), containerEnv(step(job, 'fetch'), renv), home);
    mustRun(step(job, 'restore'), containerEnv(step(job, 'restore'), renv), home);
    expect(snapshot()).toBe(before);
  });
});

describe('Redis (magnetiq-full, dev)', () => {
  const cron = find(folders.get('dev/magnetiq-full')!, 'CronJob', 'magnetiq-full-backup-cache');
  const password = 'redis-test-password';

  test('the CronJob snapshots the cache over the network and uploads it; a server started on the copy from the bucket has every key', async () => {
    const backup = join(tmp, 'redis', 'backup');
    const home = join(tmp, 'redis', 'home');
    for (const d of [backup, home]) mkdirSync(d, { recursive: true });
    const source = await startRedis(join(tmp, 'redis', 'source'), password);
    try {
      for (let i = 0; i < 500; i++) source.cli('SET', `session:${i}`, `user-${i * 7}`);
      source.cli('RPUSH', 'queue:emails', 'a', 'b', 'c');
      const env = { REDIS_PASSWORD: password, REDIS_HOST: '127.0.0.1', REDIS_PORT: String(source.port), BACKUP_DIR: backup, ...secrets };
      expect(stepsOf(cron).map((c) => c.name)).toEqual(['backup-cache', 'upload-cache']);
      expect(mustRun(step(cron, 'backup-cache'), containerEnv(step(cron, 'backup-cache'), env), home).stdout).toMatch(/backup written: .*\/magnetiq-full-cache-\d{8}T\d{6}Z\.rdb/);
      mustRun(step(cron, 'upload-cache'), containerEnv(step(cron, 'upload-cache'), env), home);
    } finally {
      source.stop();
    }
    const [name, sum] = listing('magnetiq-full/dev/cache');
    expect([name, sum]).toEqual([expect.stringMatching(/^magnetiq-full-cache-\d{8}T\d{6}Z\.rdb$/), `${name}.sha256`]);
    const restored = join(tmp, 'redis', 'restored');
    mkdirSync(restored, { recursive: true });
    rclone(['copyto', `store:voltaic-backups-dev/magnetiq-full/dev/cache/${name}`, join(restored, name)]);
    rclone(['copyto', `store:voltaic-backups-dev/magnetiq-full/dev/cache/${sum}`, join(restored, sum)]);
    execFileSync('sha256sum', ['-c', sum], { cwd: restored });
    const copy = await startRedis(restored, password, name);
    try {
      expect(copy.cli('DBSIZE').trim()).toBe('(integer) 501');
      expect(copy.cli('GET', 'session:499').trim()).toBe('"user-3493"');
      expect(copy.cli('LRANGE', 'queue:emails', '0', '-1').trim().split('\n')).toEqual(['1) "a"', '2) "b"', '3) "c"']);
    } finally {
      copy.stop();
    }
  });
});

describe('Volume archive (magnetiq-simple, dev)', () => {
  const cron = find(folders.get('dev/magnetiq-simple')!, 'CronJob', 'magnetiq-simple-backup-media');

  test('the CronJob archives the volume and uploads it; the archive from the bucket unpacks to the same files', () => {
    const source = join(tmp, 'media', 'source');
    const backup = join(tmp, 'media', 'backup');
    const home = join(tmp, 'media', 'home');
    for (const d of [join(source, 'uploads', '2026'), backup, home]) mkdirSync(d, { recursive: true });
    for (let i = 0; i < 20; i++) writeFileSync(join(source, 'uploads', '2026', `photo-${i}.jpg`), Buffer.alloc(1000 + i, i));
    const env = { SOURCE_DIR: source, BACKUP_DIR: backup, ...secrets };
    mustRun(step(cron, 'backup-media'), containerEnv(step(cron, 'backup-media'), env), home);
    mustRun(step(cron, 'upload-media'), containerEnv(step(cron, 'upload-media'), env), home);
    const [name] = listing('magnetiq-simple/dev/media');
    expect(name).toMatch(/^magnetiq-simple-media-\d{8}T\d{6}Z\.tar\.gz$/);
    const restored = join(tmp, 'media', 'restored');
    mkdirSync(restored);
    rclone(['copyto', `store:voltaic-backups-dev/magnetiq-simple/dev/media/${name}`, join(tmp, 'media', name)]);
    execFileSync('tar', ['-xzf', join(tmp, 'media', name), '-C', restored]);
    expect(execFileSync('diff', ['-r', source, restored], { encoding: 'utf8' })).toBe('');
  });
});
