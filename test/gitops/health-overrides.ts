/**
 * Test-only health checks (argocd-cm resource.customizations), each for a kind whose
 * controller does not run in the test cluster, so nothing would ever report it ready. Every
 * other kind, Deployments, StatefulSets, PVCs, Jobs, CronJobs and the Applications included,
 * gets Argo CD's own health assessment.
 */
export interface HealthOverride {
  readonly group: string;
  readonly kind: string;
  /** Why this kind cannot become healthy in the test cluster. */
  readonly reason: string;
  readonly lua: string;
}

function healthy(reason: string): string {
  return `hs = {}\nhs.status = "Healthy"\nhs.message = ${JSON.stringify(`test cluster: ${reason}`)}\nreturn hs\n`;
}

const RAW: ReadonlyArray<Omit<HealthOverride, 'lua'>> = [
  { group: 'cert-manager.io', kind: 'ClusterIssuer', reason: 'no cert-manager controller runs to register the ACME account and set Ready' },
  { group: 'cert-manager.io', kind: 'Issuer', reason: 'no cert-manager controller runs to set Ready' },
  { group: 'cert-manager.io', kind: 'Certificate', reason: 'no cert-manager controller runs to issue it' },
  { group: 'external-secrets.io', kind: 'ExternalSecret', reason: 'no External Secrets controller (nor secret store) runs to sync it' },
  { group: 'bitnami.com', kind: 'SealedSecret', reason: 'no sealed-secrets controller runs to unseal it' },
  { group: 'networking.k8s.io', kind: 'Ingress', reason: 'no ingress controller runs to publish a load-balancer address' },
  { group: 'keda.sh', kind: 'ScaledObject', reason: 'no KEDA operator runs to create its HPA and set Ready (Argo CD\'s own check waits for that condition)' },
  {
    group: 'autoscaling',
    kind: 'HorizontalPodAutoscaler',
    reason: 'no metrics-server runs to serve the resource metrics API, so the HPA controller reports FailedGetResourceMetric',
  },
];

export const HEALTH_OVERRIDES: readonly HealthOverride[] = RAW.map((o) => ({ ...o, lua: healthy(o.reason) }));
