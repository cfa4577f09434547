/**
 * Defaults applied when a spec leaves a field out. One place, so the README, the schema
 * descriptions and the charts agree.
 */
export const DEFAULTS = {
  /** Non-root identity of app containers when the spec does not set one. */
  runAsUser: 10001,
  runAsGroup: 10001,
  /** Directories backed by emptyDir, since every root filesystem is read-only. */
  writablePaths: ['/tmp'] as readonly string[],
  replicas: 1,
  targetCPUUtilization: 80,
  terminationGracePeriodSeconds: 30,
  volumeAccessMode: 'ReadWriteOnce',
  secretsRefreshInterval: '1h',
  secretStoreKind: 'ClusterSecretStore',
  ingressTimeoutSeconds: 60,
  migrationTimeoutSeconds: 600,
  postgres: {
    image: 'postgres:16.4-alpine',
    storage: '10Gi',
    // The postgres image runs as any uid (nss_wrapper); >= 10000 keeps clear of host users (kube-score).
    uid: 10001,
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  },
  redis: {
    image: 'redis:7.4.1-alpine',
    storage: '1Gi',
    uid: 10001,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  },
  /** Image of the pg_dump/volume backup Jobs (Alpine ships tar, gzip, find). */
  backupImage: 'postgres:16.4-alpine',
  backupJob: {
    activeDeadlineSeconds: 3600,
    backoffLimit: 2,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    startingDeadlineSeconds: 600,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  },
} as const;

/** Platform defaults for fields platform.yaml may leave out. */
export const PLATFORM_DEFAULTS = {
  distPath: 'dist',
  argocdNamespace: 'argocd',
  ingressClassName: 'nginx',
  ingressControllerNamespace: 'ingress-nginx',
  ingressControllerPodLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } as Record<string, string>,
  monitoringNamespace: 'monitoring',
  prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' } as Record<string, string>,
  kedaNamespace: 'keda',
  // The label KEDA's Helm chart and release manifests put on the operator pod.
  kedaOperatorPodLabels: { app: 'keda-operator' } as Record<string, string>,
  ruleLabels: {} as Record<string, string>,
  dashboardLabel: 'grafana_dashboard',
  storageClassName: 'longhorn',
  storageReplicas: 3,
  staleReplicaTimeoutMinutes: 2880,
  backupGroup: 'backup-daily',
  backupSchedule: '0 3 * * *',
  backupRetain: 14,
  routing: 'ingress-nginx',
  gatewayName: 'platform',
  gatewayNamespace: 'gateway-system',
} as const;
