/**
 * A test provisioner for the Longhorn StorageClass of dist/ (provisioner driver.longhorn.io),
 * standing in for Longhorn's CSI provisioner, which cannot run on fake nodes. Like any
 * external provisioner it watches for claims the PV controller (in kube-controller-manager)
 * has marked with `volume.kubernetes.io/storage-provisioner` and creates a PersistentVolume
 * bound to each; the PV controller then binds the claim, and Argo CD sees it Bound.
 *
 * Why a provisioner and not pre-bound PVs: the claims are created by Argo CD while it syncs
 * (from dist/, which the test never applies itself) and by StatefulSets from their templates;
 * a provisioner serves whatever appears, and a volume it made stays behind with the claim's
 * reclaim policy, exactly what the "a PVC is never pruned" assertion must see.
 */
import { Api } from '../cluster/api';

const PROVISIONER_ANNOTATIONS = ['volume.kubernetes.io/storage-provisioner', 'volume.beta.kubernetes.io/storage-provisioner'];

interface Claim {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> };
  spec: { accessModes: string[]; storageClassName?: string; volumeName?: string; resources: { requests: { storage: string } } };
  status?: { phase?: string };
}

export interface TestProvisioner {
  /** Names of the PersistentVolumes created so far. */
  readonly provisioned: readonly string[];
  stop(): void;
}

export interface TestProvisionerProps {
  readonly api: Api;
  /** The CSI driver name of the StorageClasses this provisioner serves. */
  readonly driver: string;
  /** @default 1000 */
  readonly intervalMs?: number;
  /** Receives errors (the loop keeps going). @default - ignored */
  readonly onError?: (message: string) => void;
}

export function startTestProvisioner(props: TestProvisionerProps): TestProvisioner {
  const provisioned: string[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const claims: Claim[] = (await props.api.request('GET', '/api/v1/persistentvolumeclaims')).body.items ?? [];
      for (const c of claims) {
        const wanted = PROVISIONER_ANNOTATIONS.some((a) => c.metadata.annotations?.[a] === props.driver);
        if (!wanted || c.spec.volumeName || c.status?.phase !== 'Pending') continue;
        const name = `pvc-${c.metadata.uid}`;
        const cls = (await props.api.request('GET', `/apis/storage.k8s.io/v1/storageclasses/${c.spec.storageClassName}`)).body;
        const r = await props.api.create({
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': props.driver } },
          spec: {
            capacity: { storage: c.spec.resources.requests.storage },
            accessModes: c.spec.accessModes,
            storageClassName: c.spec.storageClassName,
            persistentVolumeReclaimPolicy: cls?.reclaimPolicy ?? 'Delete',
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid },
            csi: { driver: props.driver, volumeHandle: name, fsType: 'ext4' },
          },
        });
        if (r.status < 300) provisioned.push(name);
        else if (r.status !== 409) props.onError?.(`provisioning ${c.metadata.namespace}/${c.metadata.name}: ${r.status} ${r.body?.message ?? ''}`);
      }
    } catch (e) {
      props.onError?.(`provisioner: ${(e as Error).message}`);
    }
    if (!stopped) timer = setTimeout(() => void tick(), props.intervalMs ?? 1000);
  };
  void tick();
  return {
    provisioned,
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
