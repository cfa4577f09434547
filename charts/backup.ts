/**
 * Backup and maintenance CronJobs, rendered from the jobs model (src/model/jobs.ts). Every
 * job forbids concurrent runs, has a deadline and history limits, and exits non-zero when
 * anything fails, so a failed backup shows up as a failed Job rather than an empty file.
 * A backup job writes to its own PVC (fast local restores) and then uploads to the
 * environment's object store, so the copy leaves the cluster; retention applies to both.
 * - sqlite: SQLite's online backup API (a consistent copy while the app writes), then
 *   PRAGMA integrity_check on the copy; never a copy of the live file.
 * - postgres: pg_dump, gzip-compressed and tested with gzip -t.
 * - volume: a gzip-compressed tar of a volume (media files).
 * - redis: an RDB snapshot over the network, checked with redis-check-rdb.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { backupJobs, JobWorkload, maintenanceJobs } from '../src/model/jobs';
import { names, workloadLabels } from '../src/model/names';
import { objectMeta, WAVE } from './meta';
import { jobPodTemplate } from './pod';
import { VolumeClaim } from './storage';

export interface ScheduledJobProps {
  readonly ctx: SystemContext;
  /** The job from the jobs model; its schedule must be set. */
  readonly job: JobWorkload;
}

/** A CronJob with the safety settings every scheduled job of ours shares. */
export class ScheduledJob extends Construct {
  constructor(scope: Construct, id: string, p: ScheduledJobProps) {
    super(scope, id);
    const { ctx, job } = p;
    const j = DEFAULTS.backupJob;
    new k8s.KubeCronJob(this, 'cronjob', {
      metadata: objectMeta(ctx, job.name, WAVE.jobs, { labels: workloadLabels(ctx, job.workload) }),
      spec: {
        schedule: job.schedule!,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: j.startingDeadlineSeconds,
        successfulJobsHistoryLimit: j.successfulJobsHistoryLimit,
        failedJobsHistoryLimit: j.failedJobsHistoryLimit,
        jobTemplate: {
          metadata: { labels: workloadLabels(ctx, job.workload) },
          spec: {
            backoffLimit: j.backoffLimit,
            activeDeadlineSeconds: j.activeDeadlineSeconds,
            template: jobPodTemplate(ctx, job),
          },
        },
      },
    });
  }
}

export interface BackupsProps {
  readonly ctx: SystemContext;
}

/** The backups and maintenance tasks of a system, each a ScheduledJob, and each backup's PVC. */
export class Backups extends Construct {
  constructor(scope: Construct, id: string, props: BackupsProps) {
    super(scope, id);
    const { ctx } = props;
    for (const b of ctx.spec.backups ?? []) {
      new VolumeClaim(this, `${names.backupWorkload(b.name)}-volume`, { ctx, name: names.backupVolume(ctx, b.name), size: b.size });
    }
    for (const job of [...backupJobs(ctx), ...maintenanceJobs(ctx)]) new ScheduledJob(this, job.workload, { ctx, job });
  }
}
