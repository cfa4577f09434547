/**
 * The jobs seam: every Job-shaped workload of a system (backup CronJobs, maintenance CronJobs,
 * the migration hook, restore Jobs) as data: object name, identity, the steps it runs in
 * order (image, command, environment, mounts), its volumes and its network flows. The charts
 * (charts/backup.ts, charts/migrations.ts, charts/restore.ts) only render this; the network
 * policies, service accounts and pages read the same model, and `npm run test:backups` runs
 * the steps' commands from the manifests rendered from it.
 */
import type * as k8s from '../../imports/kube';
import type { Backup } from '../spec/app-spec.generated';
import { storePort, STORE_KEYS } from './backup-store';
import { databaseEnv, POSTGRES_PORT, REDIS_PORT } from './connections';
import { cacheMode, DEFAULTS, databaseMode, SystemContext } from './context';
import type { Flow, Peer } from './flows';
import { names } from './names';
import {
  FETCH_SCRIPT,
  POSTGRES_BACKUP_SCRIPT,
  POSTGRES_RESTORE_SCRIPT,
  REDIS_BACKUP_SCRIPT,
  SQLITE_SCRIPT,
  UPLOAD_SCRIPT,
  VOLUME_BACKUP_SCRIPT,
} from './job-scripts';

/**
 * Pinned images of the job tools. rclone is the S3 client: one static binary with the same
 * release in this image and in Debian (1.60.1, what `npm run test:backups` installs), config
 * from environment variables only, hash-checked copies (`rclone check`) and age-based deletion
 * (`--min-age`) for retention in the bucket. The image is Alpine, so its sh is BusyBox ash,
 * like the postgres and redis Alpine images.
 */
export const JOB_IMAGES = {
  rclone: 'rclone/rclone:1.60.1',
  /** Upstream kubectl image (distroless: kubectl only, run without a shell). */
  kubectl: 'registry.k8s.io/kubectl:v1.33.4',
} as const;

/** Ports of the Kubernetes API server the restore Job's kubectl reaches: 443, or 6443 behind its Service. */
export const API_SERVER_PORTS: readonly number[] = [443, 6443];

export const BACKUP_DIR = '/backup';
export const RESTORE_DIR = '/backup/restore';
export const MIGRATE = 'migrate';
export const RESTORE = 'restore';

export type JobKind = 'backup' | 'maintenance' | 'migration' | 'restore';

/** One container of a Job, run in order after the ones before it succeeded. */
export interface JobStep {
  /** Container name. */
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  readonly env: k8s.EnvVar[];
  readonly mounts: k8s.VolumeMount[];
}

export interface JobWorkload {
  readonly kind: JobKind;
  /** Workload name (label and ServiceAccount suffix): backup-db, vacuum, migrate, restore. */
  readonly workload: string;
  /** Name of the CronJob or Job. */
  readonly name: string;
  /** Cron schedule of a CronJob; undefined for a Job. */
  readonly schedule?: string;
  readonly uid: number;
  readonly gid: number;
  /** Steps in order: every one but the last runs as an init container. */
  readonly steps: JobStep[];
  readonly volumes: k8s.Volume[];
  /** Run on the node of this workload's pod: a ReadWriteOnce volume attaches to one node only. */
  readonly colocateWith?: string;
  /** Days a backup job keeps copies, locally and in the bucket; undefined for other jobs. */
  readonly retentionDays?: number;
}

/** Backups a restore Job can bring back: database engines with a restore script. */
export function isRestorable(b: Backup): boolean {
  return b.kind === 'sqlite' || b.kind === 'postgres';
}

/** The one database backup a pre-migration backup repeats (the first sqlite/postgres backup). */
export function databaseBackup(ctx: SystemContext): Backup | undefined {
  return (ctx.spec.backups ?? []).find(isRestorable);
}

/** Identity, image and mount of the SQLite writer, whose files the SQLite jobs open. */
function sqliteWriter(ctx: SystemContext) {
  const db = ctx.spec.database!;
  const writer = ctx.spec.components[db.writer!];
  const dataDir = writer.volumes![db.volume!];
  return {
    writer: db.writer!,
    file: db.file!,
    dataDir,
    image: writer.image,
    uid: writer.runAsUser ?? DEFAULTS.runAsUser,
    gid: writer.runAsGroup ?? DEFAULTS.runAsGroup,
    volume: { name: 'data', persistentVolumeClaim: { claimName: names.volume(ctx, db.volume!) } } as k8s.Volume,
    mount: { name: 'data', mountPath: dataDir } as k8s.VolumeMount,
  };
}

const literal = (name: string, value: string): k8s.EnvVar => ({ name, value });
const backupTarget = (ctx: SystemContext, b: Backup): k8s.Volume => ({ name: 'backup', persistentVolumeClaim: { claimName: names.backupVolume(ctx, b.name) } });
const backupMount: k8s.VolumeMount = { name: 'backup', mountPath: BACKUP_DIR };

/** rclone's remote `store:` from environment variables; the key pair from the store Secret. */
export function storeEnv(ctx: SystemContext, b: Backup): k8s.EnvVar[] {
  const s = ctx.platform.backupStore!;
  const key = (k: (typeof STORE_KEYS)[number]): k8s.EnvVarSource => ({ secretKeyRef: { name: names.backupStoreSecret(ctx), key: k } });
  return [
    literal('RCLONE_CONFIG_STORE_TYPE', 's3'),
    literal('RCLONE_CONFIG_STORE_PROVIDER', 'Other'),
    literal('RCLONE_CONFIG_STORE_ENDPOINT', s.endpoint),
    literal('RCLONE_CONFIG_STORE_REGION', s.region),
    literal('RCLONE_CONFIG_STORE_FORCE_PATH_STYLE', 'true'),
    // The key pair may only write objects: never try to create the bucket.
    literal('RCLONE_CONFIG_STORE_NO_CHECK_BUCKET', 'true'),
    { name: 'RCLONE_CONFIG_STORE_ACCESS_KEY_ID', valueFrom: key('AWS_ACCESS_KEY_ID') },
    { name: 'RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY', valueFrom: key('AWS_SECRET_ACCESS_KEY') },
    literal('STORE_PATH', `store:${s.bucket}/${names.backupPrefix(ctx, b.name)}`),
  ];
}

const sh = (script: string) => ['/bin/sh', '-c', script];

/** The step that writes one backup of `b` into BACKUP_DIR, tagged (pre-migrate) or not. */
export function dumpStep(ctx: SystemContext, b: Backup, tag?: string): { step: JobStep; volumes: k8s.Volume[]; uid: number; gid: number; colocateWith?: string } {
  const common = [literal('BACKUP_DIR', BACKUP_DIR), literal('KEEP_DAYS', String(b.retentionDays))];
  if (tag !== undefined) common.push(literal('BACKUP_TAG', tag));
  const prefix = literal('BACKUP_PREFIX', names.backupFilePrefix(ctx, b.name));
  if (b.kind === 'sqlite') {
    const w = sqliteWriter(ctx);
    return {
      step: { name: names.backupWorkload(b.name), image: b.image ?? w.image, command: ['python3', '-c', SQLITE_SCRIPT, 'backup'], env: [literal('DB_FILE', w.file), ...common], mounts: [w.mount, backupMount] },
      volumes: [w.volume, backupTarget(ctx, b)],
      uid: w.uid,
      gid: w.gid,
      colocateWith: w.writer,
    };
  }
  if (b.kind === 'postgres') {
    return {
      step: { name: names.backupWorkload(b.name), image: b.image ?? DEFAULTS.backupImage, command: sh(POSTGRES_BACKUP_SCRIPT), env: [...databaseEnv(ctx), prefix, ...common], mounts: [backupMount] },
      volumes: [backupTarget(ctx, b)],
      uid: DEFAULTS.postgres.uid,
      gid: DEFAULTS.postgres.uid,
    };
  }
  if (b.kind === 'redis') {
    return {
      step: {
        name: names.backupWorkload(b.name),
        image: b.image ?? ctx.spec.cache?.image ?? DEFAULTS.redis.image,
        command: sh(REDIS_BACKUP_SCRIPT),
        env: [
          { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: names.secret(ctx), key: 'REDIS_PASSWORD' } } },
          literal('REDIS_HOST', names.redis(ctx)),
          literal('REDIS_PORT', String(REDIS_PORT)),
          prefix,
          ...common,
        ],
        mounts: [backupMount],
      },
      volumes: [backupTarget(ctx, b)],
      uid: DEFAULTS.redis.uid,
      gid: DEFAULTS.redis.uid,
    };
  }
  const volume = b.volume!;
  const writerOf = Object.entries(ctx.spec.components).find(([, c]) => c.volumes?.[volume] !== undefined);
  const rwo = (ctx.spec.storage!.volumes[volume].accessMode ?? DEFAULTS.volumeAccessMode) === 'ReadWriteOnce';
  return {
    step: {
      name: names.backupWorkload(b.name),
      image: b.image ?? DEFAULTS.backupImage,
      command: sh(VOLUME_BACKUP_SCRIPT),
      env: [literal('SOURCE_DIR', '/source'), prefix, ...common],
      mounts: [{ name: 'source', mountPath: '/source', readOnly: true }, backupMount],
    },
    volumes: [{ name: 'source', persistentVolumeClaim: { claimName: names.volume(ctx, volume), readOnly: true } }, backupTarget(ctx, b)],
    uid: DEFAULTS.runAsUser,
    gid: DEFAULTS.runAsGroup,
    colocateWith: rwo && writerOf !== undefined ? writerOf[0] : undefined,
  };
}

/** The step that uploads BACKUP_DIR to the store and prunes the bucket; none without a store. */
export function uploadSteps(ctx: SystemContext, b: Backup): JobStep[] {
  if (ctx.platform.backupStore === undefined) return [];
  return [
    {
      name: `upload-${b.name}`,
      image: JOB_IMAGES.rclone,
      command: sh(UPLOAD_SCRIPT),
      env: [literal('BACKUP_DIR', BACKUP_DIR), literal('KEEP_DAYS', String(b.retentionDays)), ...storeEnv(ctx, b)],
      mounts: [backupMount],
    },
  ];
}

export function backupJobs(ctx: SystemContext): JobWorkload[] {
  return (ctx.spec.backups ?? []).map((b) => {
    const d = dumpStep(ctx, b);
    return {
      kind: 'backup',
      workload: names.backupWorkload(b.name),
      name: names.backupJob(ctx, b.name),
      schedule: b.schedule,
      uid: d.uid,
      gid: d.gid,
      steps: [d.step, ...uploadSteps(ctx, b)],
      volumes: d.volumes,
      colocateWith: d.colocateWith,
      retentionDays: b.retentionDays,
    };
  });
}

export function maintenanceJobs(ctx: SystemContext): JobWorkload[] {
  return (ctx.spec.maintenance ?? []).map((t) => {
    const w = sqliteWriter(ctx);
    const task = t.task === 'sqlite-vacuum' ? 'vacuum' : 'integrity-check';
    // VACUUM writes a temporary copy about the size of the database: SQLITE_TMPDIR puts it
    // on the data volume, which has room for one, not on a small emptyDir or in memory.
    const env = [literal('DB_FILE', w.file)];
    if (task === 'vacuum') env.push(literal('SQLITE_TMPDIR', w.dataDir));
    return {
      kind: 'maintenance',
      workload: t.name,
      name: names.maintenanceJob(ctx, t.name),
      schedule: t.schedule,
      uid: w.uid,
      gid: w.gid,
      steps: [{ name: t.name, image: w.image, command: ['python3', '-c', SQLITE_SCRIPT, task], env, mounts: [w.mount] }],
      volumes: [w.volume],
      colocateWith: w.writer,
    };
  });
}

/**
 * Steps the migration hook runs before migrating: a backup of the database, tagged
 * `pre-migrate`, uploaded to the store, so `npm run restore -- --from NAME` undoes a bad
 * migration. None when the system has no database backup.
 */
export function preMigrationSteps(ctx: SystemContext): { steps: JobStep[]; volumes: k8s.Volume[] } {
  const b = databaseBackup(ctx);
  if (b === undefined) return { steps: [], volumes: [] };
  const d = dumpStep(ctx, b, 'pre-migrate');
  return { steps: [{ ...d.step, name: `pre-migrate-${b.name}` }, ...uploadSteps(ctx, b).map((s) => ({ ...s, name: `pre-migrate-upload-${b.name}` }))], volumes: d.volumes };
}

/** What `npm run restore` restores: a backup and which copy (a file name or `latest`). */
export interface RestoreRequest {
  readonly backup: Backup;
  readonly from: string;
}

/**
 * The restore Job of one backup: (SQLite: stop the writer and wait for its pods to go,)
 * fetch the copy from the store and verify its checksum, check and restore it after a safety
 * copy of what is there, (SQLite: start the writer again).
 */
export function restoreJob(ctx: SystemContext, r: RestoreRequest): JobWorkload {
  const b = r.backup;
  const fetch: JobStep = {
    name: 'fetch',
    image: JOB_IMAGES.rclone,
    command: sh(FETCH_SCRIPT),
    env: [literal('RESTORE_DIR', RESTORE_DIR), literal('FROM', r.from), ...storeEnv(ctx, b)],
    mounts: [backupMount],
  };
  const base = { kind: 'restore' as const, workload: RESTORE, name: names.restoreJob(ctx, b.name) };
  if (b.kind === 'postgres') {
    return {
      ...base,
      uid: DEFAULTS.postgres.uid,
      gid: DEFAULTS.postgres.uid,
      steps: [
        fetch,
        {
          name: 'restore',
          image: b.image ?? DEFAULTS.backupImage,
          command: sh(POSTGRES_RESTORE_SCRIPT),
          env: [...databaseEnv(ctx), literal('RESTORE_DIR', RESTORE_DIR), literal('BACKUP_PREFIX', names.backupFilePrefix(ctx, b.name))],
          mounts: [backupMount],
        },
      ],
      volumes: [backupTarget(ctx, b)],
    };
  }
  const w = sqliteWriter(ctx);
  const kubectl = (name: string, args: string[]): JobStep => ({ name, image: JOB_IMAGES.kubectl, command: ['kubectl', ...args], env: [], mounts: [] });
  const deployment = `deployment/${names.component(ctx, w.writer)}`;
  return {
    ...base,
    uid: w.uid,
    gid: w.gid,
    steps: [
      kubectl('stop-writer', ['scale', deployment, '--replicas=0', `--namespace=${ctx.namespace}`]),
      // `kubectl wait --for=delete` fails when no pod matches (kubernetes#83242); delete
      // --wait returns once every writer pod is gone, and at once when none is left. A pod
      // already terminating keeps its grace period: the writer still shuts down cleanly.
      kubectl('wait-writer-gone', ['delete', 'pod', `--selector=app.kubernetes.io/name=${names.component(ctx, w.writer)}`, '--wait=true', '--ignore-not-found=true', '--timeout=600s', `--namespace=${ctx.namespace}`]),
      fetch,
      {
        name: 'restore',
        image: b.image ?? w.image,
        command: ['python3', '-c', SQLITE_SCRIPT, 'restore'],
        env: [literal('DB_FILE', w.file), literal('RESTORE_DIR', RESTORE_DIR)],
        mounts: [w.mount, backupMount],
      },
      kubectl('start-writer', ['scale', deployment, '--replicas=1', `--namespace=${ctx.namespace}`]),
    ],
    volumes: [w.volume, backupTarget(ctx, b)],
  };
}

/** Whether the system gets a restore workload (ServiceAccount, NetworkPolicy). */
export function hasRestore(ctx: SystemContext): boolean {
  return (ctx.spec.backups ?? []).some(isRestorable);
}

/** Workload names of every Job-shaped workload (user jobs included), for ServiceAccounts and NetworkPolicies. */
export function jobWorkloadNames(ctx: SystemContext): string[] {
  const out = (ctx.spec.backups ?? []).map((b) => names.backupWorkload(b.name));
  out.push(...(ctx.spec.maintenance ?? []).map((t) => t.name));
  if (ctx.spec.migrations !== undefined) out.push(MIGRATE);
  if (hasRestore(ctx)) out.push(RESTORE);
  // The spec's own Jobs and CronJobs (charts/user-jobs.ts): their component's container, not steps of this model.
  out.push(...(ctx.spec.jobs ?? []).map((j) => j.name));
  return out;
}

const workload = (name: string): Peer => ({ kind: 'workload', name });

/**
 * Network flows of the jobs beyond what their components' connectsTo gives: database and
 * cache access of backup and restore Jobs, the object store, and the Kubernetes API for the
 * restore Job that scales the SQLite writer. DNS is added for every workload by flows.ts.
 */
export function jobFlows(ctx: SystemContext): Flow[] {
  const flows: Flow[] = [];
  const db: Peer = databaseMode(ctx) === 'external' ? { kind: 'external' } : workload('postgres');
  const cache: Peer = cacheMode(ctx) === 'external' ? { kind: 'external' } : workload('redis');
  const store = ctx.platform.backupStore;
  const backups = ctx.spec.backups ?? [];
  backups.forEach((b, i) => {
    const from = workload(names.backupWorkload(b.name));
    const reason = `backups[${i}]`;
    if (b.kind === 'postgres') flows.push({ from, to: db, port: POSTGRES_PORT, protocol: 'TCP', reason });
    if (b.kind === 'redis') flows.push({ from, to: cache, port: REDIS_PORT, protocol: 'TCP', reason });
    if (store !== undefined) flows.push({ from, to: { kind: 'external' }, port: storePort(store), protocol: 'TCP', reason });
  });
  if (ctx.spec.migrations !== undefined && databaseBackup(ctx) !== undefined && store !== undefined) {
    // The pre-migration backup's upload; its database access is the component's connectsTo.
    flows.push({ from: workload(MIGRATE), to: { kind: 'external' }, port: storePort(store), protocol: 'TCP', reason: 'migrations' });
  }
  backups.forEach((b, i) => {
    if (!isRestorable(b)) return;
    const from = workload(RESTORE);
    const reason = `backups[${i}]`;
    if (store !== undefined) flows.push({ from, to: { kind: 'external' }, port: storePort(store), protocol: 'TCP', reason });
    if (b.kind === 'postgres') flows.push({ from, to: db, port: POSTGRES_PORT, protocol: 'TCP', reason });
    // kubectl scales the SQLite writer: the API server's endpoint port, 443 or 6443 behind its Service.
    if (b.kind === 'sqlite') for (const port of API_SERVER_PORTS) flows.push({ from, to: { kind: 'external' }, port, protocol: 'TCP', reason });
  });
  return flows;
}
