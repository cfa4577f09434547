/**
 * The spec's own tasks: a CronJob for a job with a `schedule`, a one-off Job for one without,
 * each run with a component's image, config, secrets, volumes and network access.
 *
 * A Job's pod template is immutable: Argo CD cannot apply a changed one over the old Job, and
 * the sync fails with "field is immutable". So a one-off Job is named after its template: the
 * name carries the first 8 hex digits of the template's SHA-256. The same template keeps its
 * name (the Job runs once and stays done); a changed template (new image, command, config) is a
 * new Job that runs once, and Argo CD prunes the old one. No TTL either: a Job removed by its
 * TTL would be OutOfSync, and Argo CD would create it again and run it a second time.
 * A CronJob's template can change in place, so its name stays fixed.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#replace-resource-instead-of-applying-changes
 */
import { createHash } from 'node:crypto';
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { names, workloadLabels } from '../src/model/names';
import type { Job } from '../src/spec/app-spec.generated';
import { objectMeta, WAVE } from './meta';
import { podTemplate, resources } from './pod';
import { componentContainer, componentIdentity, componentVolumes } from './workload';

/** Run settings of user jobs the spec leaves out. */
export const USER_JOB_DEFAULTS = {
  timeoutSeconds: 3600,
  backoffLimit: 1,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
  startingDeadlineSeconds: 600,
} as const;

/** Length of the template hash in a one-off Job's name. */
export const TEMPLATE_HASH_LENGTH = 8;

export interface UserJobProps {
  /** The system in one environment. */
  readonly ctx: SystemContext;
  /** The job as the spec writes it. */
  readonly job: Job;
}

/** The pod template of a user job: its component's container with the job's command. */
export function userJobTemplate(ctx: SystemContext, job: Job): k8s.PodTemplateSpec {
  const c = ctx.spec.components[job.component];
  const main = componentContainer(ctx, job.name, c, false);
  const container: k8s.Container = {
    ...main,
    command: job.command,
    args: undefined,
    ports: undefined,
    resources: job.resources === undefined ? main.resources : resources(job.resources),
  };
  return podTemplate(ctx, {
    workload: job.name,
    identity: componentIdentity(c),
    restartPolicy: 'Never',
    systemImages: true,
    containers: [container],
    volumes: componentVolumes(ctx, c).volumes,
  });
}

/** JSON with keys sorted at every level and undefined fields left out, as dist/ holds it. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** First hex digits of the SHA-256 of a Job spec, so anyone can recompute it from dist/. */
export function templateHash(jobSpec: unknown): string {
  return createHash('sha256').update(canonicalJson(jobSpec)).digest('hex').slice(0, TEMPLATE_HASH_LENGTH);
}

export class UserJob extends Construct {
  constructor(scope: Construct, id: string, props: UserJobProps) {
    super(scope, id);
    const { ctx, job } = props;
    const labels = workloadLabels(ctx, job.name);
    const jobSpec = {
      backoffLimit: job.backoffLimit ?? USER_JOB_DEFAULTS.backoffLimit,
      activeDeadlineSeconds: job.timeoutSeconds ?? USER_JOB_DEFAULTS.timeoutSeconds,
      template: userJobTemplate(ctx, job),
    };
    if (job.schedule !== undefined) {
      new k8s.KubeCronJob(this, 'cronjob', {
        metadata: objectMeta(ctx, names.userJob(ctx, job.name), WAVE.jobs, { labels }),
        spec: {
          schedule: job.schedule,
          timeZone: job.timeZone,
          // A run still going when the next is due is skipped, never doubled.
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: USER_JOB_DEFAULTS.startingDeadlineSeconds,
          successfulJobsHistoryLimit: USER_JOB_DEFAULTS.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: USER_JOB_DEFAULTS.failedJobsHistoryLimit,
          jobTemplate: { metadata: { labels }, spec: jobSpec },
        },
      });
      return;
    }
    new k8s.KubeJob(this, 'job', {
      metadata: objectMeta(ctx, names.userJob(ctx, job.name, templateHash(jobSpec)), WAVE.jobs, { labels }),
      spec: jobSpec,
    });
  }
}
