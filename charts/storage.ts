/**
 * The system's PersistentVolumeClaims on the platform's Longhorn StorageClass. Argo CD never
 * prunes or deletes them (Prune=false, Delete=false): losing an app must not lose its data.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import { KEEP, objectMeta, WAVE } from './meta';

export interface VolumeClaimProps {
  readonly ctx: SystemContext;
  /** PVC name. */
  readonly name: string;
  /** Requested size, e.g. 10Gi. */
  readonly size: string;
  /** @default ReadWriteOnce */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany';
}

export class VolumeClaim extends Construct {
  constructor(scope: Construct, id: string, props: VolumeClaimProps) {
    super(scope, id);
    const { ctx } = props;
    new k8s.KubePersistentVolumeClaim(this, 'pvc', {
      metadata: objectMeta(ctx, props.name, WAVE.storage, { annotations: KEEP }),
      spec: {
        accessModes: [props.accessMode ?? DEFAULTS.volumeAccessMode],
        storageClassName: ctx.platform.storageClassName,
        resources: { requests: { storage: props.size } },
      },
    });
  }
}

export interface StorageProps {
  readonly ctx: SystemContext;
}

/** One PVC per volume of `storage.volumes`. */
export class Storage extends Construct {
  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { ctx } = props;
    const volumes = Object.entries(ctx.spec.storage?.volumes ?? {}).sort(([a], [b]) => a.localeCompare(b));
    for (const [volume, v] of volumes) {
      new VolumeClaim(this, volume, { ctx, name: names.volume(ctx, volume), size: v.size, accessMode: v.accessMode });
    }
  }
}
