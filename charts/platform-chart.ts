/**
 * Cluster-wide objects of one environment, owned by its platform Application only (no two
 * Applications may own one object): the Longhorn StorageClass, the Longhorn RecurringJob of
 * the daily backup group, its BackupTarget `default` (the environment's object store) with
 * the store's credentials, the PriorityClass of databases and API backends, the cert-manager
 * ClusterIssuer, and with Gateway API routing the platform Gateway.
 */
import * as k8s from '../imports/kube';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterIssuer } from '../imports/cert-manager';
import { BackupTarget, RecurringJob } from '../imports/longhorn';
import type { ResolvedPlatform, SystemContext } from '../src/model/context';
import { MANAGED_BY, names } from '../src/model/names';
import { acmeSolver } from './acme-solver';
import { BackupStoreSecret } from './backup-store';
import { PlatformGateway } from './gateway';
import { APP_WAVE, KEEP, SKIP_DRY_RUN_ON_MISSING_RESOURCE, SYNC_WAVE } from './meta';
import { CriticalPriorityClass } from './priority-class';

export const LONGHORN_NAMESPACE = 'longhorn-system';
/** Secret of Longhorn's backup target, in longhorn-system. */
export const LONGHORN_BACKUP_SECRET = 'longhorn-backup-store';
/** The BackupTarget Longhorn backs volumes up to: one per cluster, so environments sharing a cluster share it (src/synth/cluster-ownership.ts). */
export const LONGHORN_BACKUP_TARGET = 'default';

export interface PlatformChartProps {
  /** The environment's platform settings. */
  readonly platform: ResolvedPlatform;
  /**
   * The systems of the environment: with Gateway API routing, their hosts are the Gateway's
   * listeners.
   * @default - none
   */
  readonly systems?: readonly SystemContext[];
}

export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const p = props.platform;
    const clusterLabels = { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/managed-by': MANAGED_BY };
    const labels = { ...clusterLabels, environment: p.env };
    // Deleting a StorageClass does not touch volumes, but pruning it by mistake breaks new
    // claims of every system: keep it out of pruning and deletion.
    const keep = { ...KEEP, [SYNC_WAVE]: String(APP_WAVE.storageClass) };
    const parameters: Record<string, string> = {
      numberOfReplicas: String(p.storageReplicas),
      staleReplicaTimeout: String(p.staleReplicaTimeoutMinutes),
      recurringJobSelector: JSON.stringify([{ name: p.backupGroup, isGroup: true }]),
    };
    if (p.diskSelector !== undefined) parameters.diskSelector = p.diskSelector;
    new k8s.KubeStorageClass(this, 'storage-class', {
      metadata: { name: p.storageClassName, labels, annotations: keep },
      provisioner: 'driver.longhorn.io',
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
      parameters,
    });
    new RecurringJob(this, 'backup-job', {
      metadata: {
        name: p.backupGroup,
        namespace: LONGHORN_NAMESPACE,
        labels,
        annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE,
      },
      spec: {
        name: p.backupGroup,
        groups: [p.backupGroup],
        task: 'backup',
        cron: p.backupSchedule,
        retain: p.backupRetain,
        concurrency: 2,
        labels: { 'recurring-job': p.backupGroup },
      },
    });
    new CriticalPriorityClass(this, 'priority-class', { labels });
    if (p.backupStore !== undefined) {
      // Volume backups of the RecurringJob leave the cluster for the same store as the jobs' copies.
      const s = p.backupStore;
      // The Secret the operator writes is the cluster's, whichever environment owns it: no
      // environment label in it, so environments sharing a cluster emit the same object.
      new BackupStoreSecret(this, 'backup-store', {
        store: s, name: LONGHORN_BACKUP_SECRET, namespace: LONGHORN_NAMESPACE, labels, secretLabels: clusterLabels,
        annotations: { [SYNC_WAVE]: String(APP_WAVE.backupStoreSecret) },
        extraData: { AWS_ENDPOINTS: s.endpoint },
      });
      new BackupTarget(this, 'backup-target', {
        metadata: { name: LONGHORN_BACKUP_TARGET, namespace: LONGHORN_NAMESPACE, labels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE },
        spec: { backupTargetURL: `s3://${s.bucket}@${s.region}/longhorn/`, credentialSecret: LONGHORN_BACKUP_SECRET, pollInterval: '5m0s' },
      });
    }
    if (p.certificates !== undefined) {
      new ClusterIssuer(this, 'cluster-issuer', {
        metadata: { name: p.certificates.issuer, labels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE },
        spec: {
          acme: {
            server: p.certificates.acmeServer,
            email: p.certificates.email,
            privateKeySecretRef: { name: names.acmeAccountKey(p.certificates.issuer) },
            solvers: [acmeSolver(p)],
          },
        },
      });
    }
    if (p.routing === 'gateway-api' && p.gateway !== undefined) {
      new PlatformGateway(this, 'gateway', { platform: p, gateway: p.gateway, systems: props.systems ?? [], labels });
    }
  }
}
