/**
 * A test-only construct that adds objects breaking the policy rules to a system's chart, the
 * way an escape hatch or a custom construct could: the gates must refuse them.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { SystemContext } from '../../src/model/context';
import { names, workloadLabels } from '../../src/model/names';

/** A Deployment whose one container is privileged and may escalate privileges. */
export function addPrivilegedDeployment(chart: Construct, ctx: SystemContext): void {
  const name = names.component(ctx, 'debug');
  const labels = workloadLabels(ctx, 'debug');
  new ApiObject(chart, 'test-privileged', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ctx.namespace, labels },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'] } },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'debug', image: 'busybox:1.36', securityContext: { privileged: true, allowPrivilegeEscalation: true } }] },
      },
    },
  });
}

/** A Role: workloads of this platform get no Kubernetes API access. */
export function addRole(chart: Construct, ctx: SystemContext): void {
  new ApiObject(chart, 'test-role', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: names.component(ctx, 'reader'), namespace: ctx.namespace },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
  });
}
