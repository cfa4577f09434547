/**
 * The object store's key pair as a Secret, by reference only: an ExternalSecret read from the
 * platform's store, a SealedSecret sealed cluster-wide (so one sealed value serves every
 * namespace), or nothing when the bootstrap command creates it. Used in each system namespace
 * whose jobs upload or restore, and in longhorn-system for Longhorn's backup target.
 */
import { Construct } from 'constructs';
import { ExternalSecret } from '../imports/external-secrets';
import { SealedSecret } from '../imports/sealed-secrets';
import { ResolvedBackupStore, STORE_KEYS } from '../src/model/backup-store';
import { DEFAULTS } from '../src/model/context';
import { SKIP_DRY_RUN_ON_MISSING_RESOURCE } from './meta';

export interface BackupStoreSecretProps {
  readonly store: ResolvedBackupStore;
  /** Name of the Secret to create. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /**
   * Labels of the Secret the operator writes.
   * @default - `labels`
   */
  readonly secretLabels?: Record<string, string>;
  /** Extra annotations (the sync wave). */
  readonly annotations: Record<string, string>;
  /**
   * Literal keys added to the Secret beside the key pair (Longhorn reads AWS_ENDPOINTS there).
   * Mode external: template data of the ExternalSecret. Mode sealed: `spec.template.data` of
   * the SealedSecret (plain, non-secret values the controller writes beside the decrypted keys;
   * present in the sealed-secrets v0.40.0 CRD).
   * @default - none
   */
  readonly extraData?: Record<string, string>;
}

export class BackupStoreSecret extends Construct {
  constructor(scope: Construct, id: string, p: BackupStoreSecretProps) {
    super(scope, id);
    const c = p.store.credentials;
    if (c.mode === 'bootstrap') return;
    // The CRD may arrive in the same sync as the operator.
    const annotations = { ...p.annotations, ...SKIP_DRY_RUN_ON_MISSING_RESOURCE };
    const metadata = { name: p.name, namespace: p.namespace, labels: p.labels, annotations };
    const extra = p.extraData ?? {};
    const secretLabels = p.secretLabels ?? p.labels;
    if (c.mode === 'external') {
      const templated = Object.keys(extra).length > 0;
      new ExternalSecret(this, 'external', {
        metadata,
        spec: {
          refreshInterval: DEFAULTS.secretsRefreshInterval,
          secretStoreRef: { kind: c.store!.kind ?? DEFAULTS.secretStoreKind, name: c.store!.name },
          target: {
            name: p.name,
            creationPolicy: 'Owner',
            deletionPolicy: 'Retain',
            template: {
              type: 'Opaque',
              metadata: { labels: secretLabels },
              // With template data, only the listed keys are written: list the key pair too.
              data: templated ? { ...Object.fromEntries(STORE_KEYS.map((k) => [k, `{{ .${k} }}`])), ...extra } : undefined,
            },
          },
          data: STORE_KEYS.map((key) => ({ secretKey: key, remoteRef: { key: c.remoteKey!, property: key } })),
        },
      });
      return;
    }
    new SealedSecret(this, 'sealed', {
      metadata: { ...metadata, annotations: { ...annotations, 'sealedsecrets.bitnami.com/cluster-wide': 'true' } },
      spec: {
        encryptedData: { ...c.encryptedData! },
        template: {
          type: 'Opaque',
          data: Object.keys(extra).length > 0 ? extra : undefined,
          metadata: { name: p.name, namespace: p.namespace, labels: secretLabels, annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } },
        },
      },
    });
  }
}
