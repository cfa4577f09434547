/**
 * Backup and maintenance CronJobs. Every job forbids concurrent runs, has a deadline and
 * history limits, writes to its own PVC, and exits non-zero when anything fails, so a failed
 * backup shows up as a failed Job rather than an empty file.
 * - sqlite: SQLite's online backup API (a consistent copy while the app writes), then
 *   PRAGMA integrity_check on the copy; never a copy of the live file.
 * - postgres: pg_dump, gzip-compressed and tested with gzip -t.
 * - volume: a gzip-compressed tar of a volume (media files).
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { names, selectorLabels, workloadLabels } from '../src/model/names';
import type { Backup, MaintenanceTask } from '../src/spec/app-spec.generated';
import { databaseEnv } from './connections';
import { objectMeta, WAVE } from './meta';
import { podTemplate, resources, scratchVolumes } from './pod';
import { VolumeClaim } from './storage';

const BACKUP_DIR = '/backup';

/** Python run by the SQLite jobs: argv is the task, the database file and its arguments. */
export const SQLITE_SCRIPT = [
  'import glob, os, sqlite3, sys, time',
  'task, db = sys.argv[1], sys.argv[2]',
  'def check(conn, what):',
  '    result = conn.execute("PRAGMA integrity_check").fetchall()',
  '    if result != [("ok",)]:',
  '        sys.exit(f"{what} failed PRAGMA integrity_check: {result[:5]}")',
  'if not os.path.exists(db):',
  '    sys.exit(f"database {db} does not exist")',
  'if task == "backup":',
  '    out_dir, keep_days = sys.argv[3], int(sys.argv[4])',
  '    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())',
  '    final = os.path.join(out_dir, f"{os.path.basename(db)}.{stamp}.bak")',
  '    partial = final + ".partial"',
  '    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)',
  '    dst = sqlite3.connect(partial)',
  '    src.backup(dst)',
  '    src.close()',
  '    check(dst, "backup copy")',
  '    dst.close()',
  '    os.replace(partial, final)',
  '    cutoff = time.time() - keep_days * 86400',
  '    for old in glob.glob(os.path.join(out_dir, "*.bak")):',
  '        if os.path.getmtime(old) < cutoff:',
  '            os.remove(old)',
  '    print(f"backup written: {final}")',
  'elif task == "integrity-check":',
  '    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)',
  '    check(conn, db)',
  '    print(f"{db}: integrity ok")',
  'elif task == "vacuum":',
  '    conn = sqlite3.connect(db, timeout=300)',
  '    conn.execute("VACUUM")',
  '    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")',
  '    check(conn, db)',
  '    print(f"{db}: vacuumed")',
  'else:',
  '    sys.exit(f"unknown task {task}")',
].join('\n');

export interface ScheduledJobProps {
  readonly ctx: SystemContext;
  /** Workload name (backup-db, vacuum, ...); the CronJob is `<system>-<workload>`. */
  readonly workload: string;
  readonly schedule: string;
  readonly image: string;
  readonly command: string[];
  readonly env?: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly mounts: k8s.VolumeMount[];
  /** Identity; the SQLite jobs use the writer's so they can open its files. */
  readonly uid: number;
  readonly gid: number;
  /**
   * Run on the node of this workload's pod: a ReadWriteOnce volume attaches to one node only.
   * @default - any node
   */
  readonly colocateWith?: string;
}

/** A CronJob with the safety settings every scheduled job of ours shares. */
export class ScheduledJob extends Construct {
  constructor(scope: Construct, id: string, p: ScheduledJobProps) {
    super(scope, id);
    const { ctx } = p;
    const j = DEFAULTS.backupJob;
    const scratch = scratchVolumes(['/tmp']);
    new k8s.KubeCronJob(this, 'cronjob', {
      metadata: objectMeta(ctx, names.component(ctx, p.workload), WAVE.jobs, { labels: workloadLabels(ctx, p.workload) }),
      spec: {
        schedule: p.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: j.startingDeadlineSeconds,
        successfulJobsHistoryLimit: j.successfulJobsHistoryLimit,
        failedJobsHistoryLimit: j.failedJobsHistoryLimit,
        jobTemplate: {
          metadata: { labels: workloadLabels(ctx, p.workload) },
          spec: {
            backoffLimit: j.backoffLimit,
            activeDeadlineSeconds: j.activeDeadlineSeconds,
            template: podTemplate(ctx, {
              workload: p.workload,
              identity: { runAsUser: p.uid, runAsGroup: p.gid },
              restartPolicy: 'Never',
              affinity:
                p.colocateWith === undefined
                  ? undefined
                  : {
                      podAffinity: {
                        requiredDuringSchedulingIgnoredDuringExecution: [
                          { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels(ctx, p.colocateWith) } },
                        ],
                      },
                    },
              containers: [
                {
                  name: p.workload,
                  image: p.image,
                  command: p.command,
                  env: p.env,
                  resources: resources(j.resources),
                  volumeMounts: [...p.mounts, ...scratch.mounts],
                },
              ],
              volumes: [...p.volumes, ...scratch.volumes],
            }),
          },
        },
      },
    });
  }
}

export interface BackupsProps {
  readonly ctx: SystemContext;
}

/** The backups and maintenance tasks of a system, each a ScheduledJob. */
export class Backups extends Construct {
  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    const { ctx } = props;
    for (const b of ctx.spec.backups ?? []) this.backup(ctx, b);
    for (const t of ctx.spec.maintenance ?? []) this.maintenance(ctx, t);
  }

  /** Identity, image and mount of the SQLite writer, whose files the SQLite jobs open. */
  private sqliteWriter(ctx: SystemContext) {
    const db = ctx.spec.database!;
    const writer = ctx.spec.components[db.writer!];
    return {
      writer: db.writer!,
      file: db.file!,
      image: writer.image,
      uid: writer.runAsUser ?? DEFAULTS.runAsUser,
      gid: writer.runAsGroup ?? DEFAULTS.runAsGroup,
      volume: { name: 'data', persistentVolumeClaim: { claimName: names.volume(ctx, db.volume!) } },
      mount: { name: 'data', mountPath: writer.volumes![db.volume!] },
    };
  }

  private backup(ctx: SystemContext, b: Backup): void {
    const workload = names.backupWorkload(b.name);
    new VolumeClaim(this, `${workload}-volume`, { ctx, name: names.backupVolume(ctx, b.name), size: b.size });
    const target = { name: 'backup', persistentVolumeClaim: { claimName: names.backupVolume(ctx, b.name) } };
    const targetMount = { name: 'backup', mountPath: BACKUP_DIR };
    const days = String(b.retentionDays);
    if (b.kind === 'sqlite') {
      const w = this.sqliteWriter(ctx);
      new ScheduledJob(this, workload, {
        ctx, workload, schedule: b.schedule, image: b.image ?? w.image, uid: w.uid, gid: w.gid,
        command: ['python3', '-c', SQLITE_SCRIPT, 'backup', w.file, BACKUP_DIR, days],
        volumes: [w.volume, target], mounts: [w.mount, targetMount], colocateWith: w.writer,
      });
      return;
    }
    const shell = (script: string) => ['/bin/sh', '-c', `set -eu\n${script}`];
    const prune = `find ${BACKUP_DIR} -type f -mtime +${days} \\( -name '*.gz' \\) -print -delete`;
    if (b.kind === 'postgres') {
      // pipefail: a pg_dump failure must fail the job even though gzip succeeds.
      const script = [
        'set -o pipefail',
        'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
        `out=${BACKUP_DIR}/${ctx.system}-$stamp.sql.gz`,
        // pg_dump takes libpq URLs only: drop an SQLAlchemy driver suffix (postgresql+asyncpg://).
        'url=$(printf %s "$DATABASE_URL" | sed -E \'s#^([a-z]+)\\+[a-z0-9_]+://#\\1://#\')',
        `pg_dump --no-owner --no-privileges --dbname="$url" | gzip -9 > "$out.partial"`,
        'gzip -t "$out.partial"',
        'mv "$out.partial" "$out"',
        prune,
        'echo "backup written: $out"',
      ].join('\n');
      new ScheduledJob(this, workload, {
        ctx, workload, schedule: b.schedule, image: b.image ?? DEFAULTS.backupImage,
        uid: DEFAULTS.postgres.uid, gid: DEFAULTS.postgres.uid,
        command: shell(script),
        env: databaseEnv(ctx),
        volumes: [target], mounts: [targetMount],
      });
      return;
    }
    const volume = b.volume!;
    const script = [
      'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
      `out=${BACKUP_DIR}/${volume}-$stamp.tar.gz`,
      `tar -czf "$out.partial" -C /source .`,
      'gzip -t "$out.partial"',
      'mv "$out.partial" "$out"',
      prune,
      'echo "backup written: $out"',
    ].join('\n');
    const writerOf = Object.entries(ctx.spec.components).find(([, c]) => c.volumes?.[volume] !== undefined);
    const rwo = (ctx.spec.storage!.volumes[volume].accessMode ?? DEFAULTS.volumeAccessMode) === 'ReadWriteOnce';
    new ScheduledJob(this, workload, {
      ctx, workload, schedule: b.schedule, image: b.image ?? DEFAULTS.backupImage,
      uid: DEFAULTS.runAsUser, gid: DEFAULTS.runAsGroup,
      command: shell(script),
      volumes: [{ name: 'source', persistentVolumeClaim: { claimName: names.volume(ctx, volume), readOnly: true } }, target],
      mounts: [{ name: 'source', mountPath: '/source', readOnly: true }, targetMount],
      colocateWith: rwo && writerOf !== undefined ? writerOf[0] : undefined,
    });
  }

  private maintenance(ctx: SystemContext, t: MaintenanceTask): void {
    const w = this.sqliteWriter(ctx);
    const task = t.task === 'sqlite-vacuum' ? 'vacuum' : 'integrity-check';
    new ScheduledJob(this, t.name, {
      ctx, workload: t.name, schedule: t.schedule, image: w.image, uid: w.uid, gid: w.gid,
      command: ['python3', '-c', SQLITE_SCRIPT, task, w.file],
      volumes: [w.volume], mounts: [w.mount], colocateWith: w.writer,
    });
  }
}
