/**
 * Cluster-wide objects of one environment, owned by its platform Application only (no two
 * Applications may own one object): the Longhorn StorageClass, the Longhorn RecurringJob of
 * the daily backup group, its BackupTarget `default` (the environment's object store) with
 * the store's credentials, and the cert-manager ClusterIssuer.
 */
import * as k8s from '../imports/kube';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterIssuer } from '../imports/cert-manager';
import { BackupTarget, RecurringJob } from '../imports/longhorn';
import type { ResolvedPlatform } from '../src/model/context';
import { MANAGED_BY } from '../src/model/names';
import { BackupStoreSecret } from './backup-store';
import { SYNC_OPTIONS, SYNC_WAVE } from './meta';

export const LONGHORN_NAMESPACE = 'longhorn-system';
/** Secret of Longhorn's backup target, in longhorn-system. */
export const LONGHORN_BACKUP_SECRET = 'longhorn-backup-store';

export interface PlatformChartProps {
  readonly platform: ResolvedPlatform;
}

export class PlatformChart extends Chart {
  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const p = props.platform;
    const labels = { 'app.kubernetes.io/part-of': 'platform', 'app.kubernetes.io/managed-by': MANAGED_BY, environment: p.env };
    // Deleting a StorageClass does not touch volumes, but pruning it by mistake breaks new
    // claims of every system: keep it out of pruning and deletion.
    const keep = { [SYNC_OPTIONS]: 'Prune=false,Delete=false', [SYNC_WAVE]: '-1' };
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
        annotations: { [SYNC_OPTIONS]: 'SkipDryRunOnMissingResource=true' },
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
    if (p.backupStore !== undefined) {
      // Volume backups of the RecurringJob leave the cluster for the same store as the jobs' copies.
      const s = p.backupStore;
      new BackupStoreSecret(this, 'backup-store', {
        store: s, name: LONGHORN_BACKUP_SECRET, namespace: LONGHORN_NAMESPACE, labels, annotations: { [SYNC_WAVE]: '-1' },
        extraData: { AWS_ENDPOINTS: s.endpoint },
      });
      new BackupTarget(this, 'backup-target', {
        metadata: { name: 'default', namespace: LONGHORN_NAMESPACE, labels, annotations: { [SYNC_OPTIONS]: 'SkipDryRunOnMissingResource=true' } },
        spec: { backupTargetURL: `s3://${s.bucket}@${s.region}/longhorn/`, credentialSecret: LONGHORN_BACKUP_SECRET, pollInterval: '5m0s' },
      });
    }
    if (p.certificates !== undefined) {
      new ClusterIssuer(this, 'cluster-issuer', {
        metadata: { name: p.certificates.issuer, labels, annotations: { [SYNC_OPTIONS]: 'SkipDryRunOnMissingResource=true' } },
        spec: {
          acme: {
            server: p.certificates.acmeServer,
            email: p.certificates.email,
            privateKeySecretRef: { name: `${p.certificates.issuer}-account-key` },
            solvers: [{ http01: { ingress: { class: p.ingressClassName } } }],
          },
        },
      });
    }
  }
}
