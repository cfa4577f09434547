/**
 * Alerts on backups, for every system with backups, from kube-state-metrics' Job and CronJob
 * metrics: a backup Job that failed (after its retries), and a backup whose last success is
 * older than its schedule allows. A backup Job succeeds only after `rclone check` confirmed
 * the copy in the bucket, so the CronJob's last success time IS the age of the newest
 * off-site copy: the second alert watches exactly that, with no extra exporter.
 * @see https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/cronjob-metrics.md
 */
import { Construct } from 'constructs';
import { PrometheusRule } from '../imports/prometheus-operator';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { backupJobs } from '../src/model/jobs';
import { names } from '../src/model/names';
import { schedulePeriodSeconds } from '../src/spec/cron';
import { objectMeta, SKIP_DRY_RUN_ON_MISSING_RESOURCE, WAVE } from './meta';

export interface BackupAlertsProps {
  readonly ctx: SystemContext;
}

/** Longest gap between two runs of a schedule (also for descriptors such as @daily and @every). */
export { schedulePeriodSeconds };

export class BackupAlerts extends Construct {
  constructor(scope: Construct, id: string, props: BackupAlertsProps) {
    super(scope, id);
    const { ctx } = props;
    const jobs = backupJobs(ctx);
    if (jobs.length === 0) return;
    const ns = ctx.namespace;
    const rules = jobs.flatMap((job) => {
      // A run may start late (startingDeadlineSeconds) and take up to its deadline.
      const allowed = schedulePeriodSeconds(job.schedule!) + DEFAULTS.backupJob.startingDeadlineSeconds + DEFAULTS.backupJob.activeDeadlineSeconds;
      const hours = Math.ceil(allowed / 3600);
      const labels = { severity: 'critical', namespace: ns, cronjob: job.name };
      return [
        {
          alert: 'BackupJobFailed',
          // A Job named <cronjob>-<minute>; only runs of the last day, so an old failure kept in
          // the history (failedJobsHistoryLimit) stops alerting once a day has passed.
          expr: `(kube_job_failed{namespace="${ns}", job_name=~"${job.name}-[0-9]+", condition="true"} == 1) and on (namespace, job_name) (time() - kube_job_status_start_time{namespace="${ns}", job_name=~"${job.name}-[0-9]+"} < 86400)`,
          labels,
          annotations: {
            summary: `Backup ${job.name} in ${ns} failed after its retries`,
            description: `kubectl -n ${ns} logs job/{{ $labels.job_name }} --all-containers shows which step failed (dump, check or upload).`,
          },
        },
        {
          alert: 'BackupMissed',
          expr: `time() - kube_cronjob_status_last_successful_time{namespace="${ns}", cronjob="${job.name}"} > ${allowed}`,
          for: '10m',
          labels,
          annotations: {
            summary: `No verified off-site copy from ${job.name} in ${ns} for more than ${hours}h`,
            description: `The newest copy in the bucket is older than the schedule (${job.schedule}) allows; the recovery point is slipping.`,
          },
        },
      ];
    });
    new PrometheusRule(this, 'rules', {
      metadata: objectMeta(ctx, names.backupRules(ctx), WAVE.workload, { labels: ctx.platform.ruleLabels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE }),
      spec: { groups: [{ name: `${ctx.system}.backups`, rules }] },
    });
  }
}
