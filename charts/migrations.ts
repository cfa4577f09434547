/**
 * Database migrations as an Argo CD hook Job, run with the component's image, config and
 * secrets before any workload rolls. It is a Sync hook in the wave after config, secrets and
 * database and before workloads, not a PreSync hook: PreSync runs before the namespace's
 * Secret and database exist, so on a fresh environment it could never succeed.
 * BeforeHookCreation deletes the previous run, so the fixed name is recreated on every sync;
 * HookSucceeded deletes a successful run at once, and a failed one (kept for its logs) goes
 * after MIGRATION_TTL_SECONDS, so no finished pod lingers with the secrets in its environment.
 * Before migrating, init containers from the jobs model back up the database and upload the
 * copy (tagged `pre-migrate`), so `npm run restore` can undo a migration that went wrong.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { MIGRATE, preMigrationSteps } from '../src/model/jobs';
import { names, workloadLabels } from '../src/model/names';
import type { Migrations as MigrationsSpec } from '../src/spec/app-spec.generated';
import { objectMeta, WAVE } from './meta';
import { podTemplate, scratchVolumeName, stepContainer } from './pod';
import { componentContainer, componentIdentity, componentVolumes } from './workload';

export const HOOK_ANNOTATIONS = {
  'argocd.argoproj.io/hook': 'Sync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
} as const;

/** How long a failed migration Job and its pod stay for inspection. */
export const MIGRATION_TTL_SECONDS = 86400;

export interface MigrationsProps {
  readonly ctx: SystemContext;
  readonly migrations: MigrationsSpec;
}

export class Migrations extends Construct {
  constructor(scope: Construct, id: string, props: MigrationsProps) {
    super(scope, id);
    const { ctx, migrations: m } = props;
    const c = ctx.spec.components[m.component];
    const container = { ...componentContainer(ctx, MIGRATE, c, false), command: m.command, args: undefined, ports: undefined };
    const pre = preMigrationSteps(ctx);
    const podVolumes = componentVolumes(ctx, c).volumes;
    // The backup steps share the component's writable /tmp, when it has one.
    const tmp = podVolumes.some((v) => v.name === scratchVolumeName('/tmp')) ? [{ name: scratchVolumeName('/tmp'), mountPath: '/tmp' }] : [];
    const extraVolumes = pre.volumes.filter((v) => !podVolumes.some((p) => p.name === v.name));
    new k8s.KubeJob(this, 'job', {
      metadata: objectMeta(ctx, names.migration(ctx), WAVE.migration, {
        labels: workloadLabels(ctx, MIGRATE),
        annotations: HOOK_ANNOTATIONS,
      }),
      spec: {
        backoffLimit: 1,
        ttlSecondsAfterFinished: MIGRATION_TTL_SECONDS,
        activeDeadlineSeconds: m.timeoutSeconds ?? DEFAULTS.migrationTimeoutSeconds,
        template: podTemplate(ctx, {
          workload: MIGRATE,
          identity: componentIdentity(c),
          restartPolicy: 'Never',
          systemImages: true,
          initContainers: pre.steps.map((s) => stepContainer(s, tmp)),
          containers: [container],
          volumes: [...podVolumes, ...extraVolumes],
        }),
      },
    });
  }
}
