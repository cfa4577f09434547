/** The jobs seam (src/model/jobs.ts): names, steps, flows and the restore Job of each system. */
import { join } from 'node:path';
import { resolvePlatform, systemContext, SystemContext } from '../src/model/context';
import { backupJobs, jobFlows, jobWorkloadNames, JOB_IMAGES, maintenanceJobs, preMigrationSteps, restoreJob } from '../src/model/jobs';
import { loadSpecs } from '../src/spec/load';
import type { PlatformSpec } from '../src/spec/platform.generated';
import { ROOT } from './support/manifests';

const specs = loadSpecs(join(ROOT, 'apps'), join(ROOT, 'platform.yaml'));

function ctxOf(system: string, env: string, platform: PlatformSpec = specs.platform): SystemContext {
  const s = specs.systems.find((x) => x.base.name === system)!;
  return systemContext(s.environments.get(env)!, resolvePlatform(platform, env));
}

const envOf = (step: { env: Array<{ name: string; value?: string }> }) => Object.fromEntries(step.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));

test('every backup job dumps, then uploads to its own prefix in the environment bucket', () => {
  const jobs = backupJobs(ctxOf('magnetiq-full', 'production'));
  expect(jobs.map((j) => [j.name, j.steps.map((s) => s.name)])).toEqual([
    ['magnetiq-full-backup-db', ['backup-db', 'upload-db']],
    ['magnetiq-full-backup-media', ['backup-media', 'upload-media']],
    ['magnetiq-full-backup-cache', ['backup-cache', 'upload-cache']],
  ]);
  const upload = jobs[0].steps[1];
  expect(upload.image).toBe(JOB_IMAGES.rclone);
  expect(envOf(upload)).toMatchObject({
    STORE_PATH: 'store:voltaic-backups-production/magnetiq-full/production/db',
    KEEP_DAYS: '30',
    RCLONE_CONFIG_STORE_ENDPOINT: 'https://s3.eu-central-1.amazonaws.com',
    RCLONE_CONFIG_STORE_REGION: 'eu-central-1',
  });
  expect(upload.env.find((e) => e.name === 'RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY')?.valueFrom).toEqual({ secretKeyRef: { name: 'magnetiq-full-backup-store', key: 'AWS_SECRET_ACCESS_KEY' } });
});

test('the Redis backup takes an RDB snapshot from the in-cluster cache with the cache image', () => {
  const cache = backupJobs(ctxOf('magnetiq-full', 'dev')).find((j) => j.workload === 'backup-cache')!;
  expect(cache.steps[0].image).toBe('redis:7.4.1-alpine');
  expect(cache.steps[0].command.join(' ')).toContain('redis-cli -h "$REDIS_HOST" -p "${REDIS_PORT:-6379}" --rdb "$out.partial"');
  expect(envOf(cache.steps[0])).toMatchObject({ REDIS_HOST: 'magnetiq-full-redis', REDIS_PORT: '6379', BACKUP_PREFIX: 'magnetiq-full-cache' });
});

test('without a backup store, jobs keep their copies in the cluster and open no egress to one', () => {
  const platform: PlatformSpec = { ...specs.platform, backupStore: undefined, environments: Object.fromEntries(Object.entries(specs.platform.environments).map(([k, v]) => [k, { ...v, backupStore: undefined }])) };
  const ctx = ctxOf('tequipy', 'dev', platform);
  expect(backupJobs(ctx).map((j) => j.steps.map((s) => s.name))).toEqual([['backup-db']]);
  expect(jobFlows(ctx).filter((f) => f.to.kind === 'external')).toEqual([]);
});

test('VACUUM puts its temporary copy on the data volume, next to the database', () => {
  const vacuum = maintenanceJobs(ctxOf('magnetiq-simple', 'production')).find((j) => j.workload === 'vacuum')!;
  expect(envOf(vacuum.steps[0])).toEqual({ DB_FILE: '/app/data/magnetiq.db', SQLITE_TMPDIR: '/app/data' });
  expect(vacuum.colocateWith).toBe('backend');
});

test('the migration hook backs up the database and uploads it, tagged pre-migrate, before migrating', () => {
  const pre = preMigrationSteps(ctxOf('tequipy', 'staging'));
  expect(pre.steps.map((s) => s.name)).toEqual(['pre-migrate-db', 'pre-migrate-upload-db']);
  expect(envOf(pre.steps[0])).toMatchObject({ BACKUP_TAG: 'pre-migrate', BACKUP_DIR: '/backup' });
  expect(pre.volumes).toEqual([{ name: 'backup', persistentVolumeClaim: { claimName: 'tequipy-backup-db' } }]);
});

test('a SQLite restore stops the writer, fetches, restores and starts the writer again', () => {
  const ctx = ctxOf('memo-ai-coach', 'staging');
  const job = restoreJob(ctx, { backup: ctx.spec.backups![0], from: 'latest' });
  expect(job.name).toBe('memo-ai-coach-restore-db');
  expect(job.steps.map((s) => [s.name, s.image])).toEqual([
    ['stop-writer', JOB_IMAGES.kubectl],
    ['wait-writer-gone', JOB_IMAGES.kubectl],
    ['fetch', JOB_IMAGES.rclone],
    ['restore', 'registry.example.com/memoai-backend:v1.0.0'],
    ['start-writer', JOB_IMAGES.kubectl],
  ]);
  expect(job.steps[1].command).toEqual(['kubectl', 'delete', 'pod', '--selector=app.kubernetes.io/name=memo-ai-coach-backend', '--wait=true', '--ignore-not-found=true', '--timeout=600s', '--namespace=memo-ai-coach-staging']);
  // The writer's identity: the restored file must stay readable and writable by the app.
  expect([job.uid, job.gid]).toEqual([1000, 1000]);
});

test('the restore workload exists where a database backup does, with its own flows', () => {
  expect(jobWorkloadNames(ctxOf('magnetiq', 'dev'))).toEqual(['backup-db', 'restore']);
  expect(jobWorkloadNames(ctxOf('tequipy', 'dev'))).toEqual(['backup-db', 'migrate', 'restore']);
  const restoreFlows = jobFlows(ctxOf('tequipy', 'dev')).filter((f) => f.from.kind === 'workload' && f.from.name === 'restore');
  expect(restoreFlows.map((f) => [f.to.kind, f.port, f.reason])).toEqual([['external', 443, 'backups[0]'], ['workload', 5432, 'backups[0]']]);
});
