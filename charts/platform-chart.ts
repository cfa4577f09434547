/**
 * Cluster-wide objects of one environment, owned by its platform Application only (no two
 * Applications may own one object): the Longhorn StorageClass, the Longhorn RecurringJob of
 * the daily backup group, and the cert-manager ClusterIssuer.
 */
import * as k8s from '../imports/kube';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterIssuer } from '../imports/cert-manager';
import { RecurringJob } from '../imports/longhorn';
import type { ResolvedPlatform } from '../src/model/context';
import { MANAGED_BY } from '../src/model/names';
import { APP_WAVE, KEEP, SKIP_DRY_RUN_ON_MISSING_RESOURCE, SYNC_WAVE } from './meta';

export const LONGHORN_NAMESPACE = 'longhorn-system';

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
    if (p.certificates !== undefined) {
      new ClusterIssuer(this, 'cluster-issuer', {
        metadata: { name: p.certificates.issuer, labels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE },
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
