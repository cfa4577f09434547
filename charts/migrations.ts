/**
 * Database migrations as an Argo CD hook Job, run with the component's image, config and
 * secrets before any workload rolls. It is a Sync hook in the wave after config, secrets and
 * database and before workloads, not a PreSync hook: PreSync runs before the namespace's
 * Secret and database exist, so on a fresh environment it could never succeed.
 * BeforeHookCreation deletes the previous run, so the fixed name is recreated on every sync.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { MIGRATE } from '../src/model/flows';
import { names, workloadLabels } from '../src/model/names';
import type { Migrations as MigrationsSpec } from '../src/spec/app-spec.generated';
import { objectMeta, WAVE } from './meta';
import { podTemplate } from './pod';
import { componentContainer, componentIdentity, componentVolumes } from './workload';

export const HOOK_ANNOTATIONS = {
  'argocd.argoproj.io/hook': 'Sync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
} as const;

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
    new k8s.KubeJob(this, 'job', {
      metadata: objectMeta(ctx, names.migration(ctx), WAVE.migration, {
        labels: workloadLabels(ctx, MIGRATE),
        annotations: HOOK_ANNOTATIONS,
      }),
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: m.timeoutSeconds ?? DEFAULTS.migrationTimeoutSeconds,
        template: podTemplate(ctx, {
          workload: MIGRATE,
          identity: componentIdentity(c),
          restartPolicy: 'Never',
          containers: [container],
          volumes: componentVolumes(ctx, c).volumes,
        }),
      },
    });
  }
}
