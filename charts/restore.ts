/**
 * The restore Job of one backup, rendered from the jobs model (src/model/jobs.ts) for
 * `npm run restore`; never part of dist/ (Argo CD must not run a restore on every sync).
 * For SQLite, the Job scales the writer Deployment to 0, waits for its pods to go, restores,
 * and scales it back to 1, so the Role and RoleBinding it needs come with it: the right to
 * scale that one Deployment and to wait for its pods to go, for the restore's ServiceAccount only (which
 * dist/ already holds, with its NetworkPolicy). Delete them with the Job when done.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/kube';
import type { SystemContext } from '../src/model/context';
import { RESTORE, restoreJob, RestoreRequest } from '../src/model/jobs';
import { names, systemLabels, workloadLabels } from '../src/model/names';
import { jobPodTemplate } from './pod';

export interface RestoreChartProps {
  readonly ctx: SystemContext;
  readonly request: RestoreRequest;
}

/** Seconds a restore may take before Kubernetes stops it. */
export const RESTORE_DEADLINE_SECONDS = 3600;

export class RestoreChart extends Chart {
  constructor(scope: Construct, id: string, props: RestoreChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { ctx, request } = props;
    const job = restoreJob(ctx, request);
    const scalesWriter = request.backup.kind === 'sqlite';
    const metadata = { name: job.name, namespace: ctx.namespace, labels: workloadLabels(ctx, RESTORE), annotations: { 'gitops-synth/restore-from': request.from } };
    new k8s.KubeJob(this, 'job', {
      metadata,
      spec: {
        // A restore is run once and looked at: no silent second attempt.
        backoffLimit: 0,
        activeDeadlineSeconds: RESTORE_DEADLINE_SECONDS,
        template: jobPodTemplate(ctx, job, { apiAccess: scalesWriter }),
      },
    });
    if (!scalesWriter) return;
    const writer = names.component(ctx, ctx.spec.database!.writer!);
    const rbacMeta = { name: job.name, namespace: ctx.namespace, labels: systemLabels(ctx) };
    new k8s.KubeRole(this, 'role', {
      metadata: rbacMeta,
      rules: [
        { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], resourceNames: [writer], verbs: ['get', 'patch', 'update'] },
        // To wait until the writer's pods are gone (kubectl delete --wait on them).
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'role-binding', {
      metadata: rbacMeta,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: job.name },
      subjects: [{ kind: 'ServiceAccount', name: names.component(ctx, RESTORE), namespace: ctx.namespace }],
    });
  }
}
