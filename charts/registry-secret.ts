/**
 * The pull secret of a private registry: a kubernetes.io/dockerconfigjson Secret that an
 * ExternalSecret fills from a store or a SealedSecret decrypts in the cluster; in mode
 * 'bootstrap' the operator creates it before the first sync. The credentials never enter git.
 * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
 */
import { Construct } from 'constructs';
import { ExternalSecret } from '../imports/external-secrets';
import { SealedSecret } from '../imports/sealed-secrets';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { names, systemLabels } from '../src/model/names';
import type { ImagePullSecret } from '../src/spec/app-spec.generated';
import { objectMeta, SKIP_DRY_RUN_ON_MISSING_RESOURCE, WAVE } from './meta';

/** The Secret type and data key kubelet reads registry credentials from. */
export const DOCKER_CONFIG_JSON = { type: 'kubernetes.io/dockerconfigjson', key: '.dockerconfigjson' } as const;

/** Property of the remote key that holds the docker config JSON, unless the spec names another. */
export const DEFAULT_REGISTRY_PROPERTY = 'dockerconfigjson';

export interface RegistrySecretProps {
  /** The system in one environment. */
  readonly ctx: SystemContext;
  /** The spec's `imagePullSecret` section. */
  readonly pullSecret: ImagePullSecret;
}

export class RegistrySecret extends Construct {
  constructor(scope: Construct, id: string, props: RegistrySecretProps) {
    super(scope, id);
    const { ctx, pullSecret: s } = props;
    if (s.mode === 'bootstrap') return;
    const name = names.registrySecret(ctx);
    const annotations = SKIP_DRY_RUN_ON_MISSING_RESOURCE;
    if (s.mode === 'external') {
      new ExternalSecret(this, 'external', {
        metadata: objectMeta(ctx, name, WAVE.config, { annotations }),
        spec: {
          refreshInterval: DEFAULTS.secretsRefreshInterval,
          secretStoreRef: { kind: s.store?.kind ?? DEFAULTS.secretStoreKind, name: s.store!.name },
          target: {
            name,
            creationPolicy: 'Owner',
            deletionPolicy: 'Retain',
            template: { type: DOCKER_CONFIG_JSON.type, metadata: { labels: systemLabels(ctx) } },
          },
          data: [
            {
              secretKey: DOCKER_CONFIG_JSON.key,
              remoteRef: { key: s.remoteKey ?? `${ctx.system}/${ctx.env}/registry`, property: s.property ?? DEFAULT_REGISTRY_PROPERTY },
            },
          ],
        },
      });
    } else {
      new SealedSecret(this, 'sealed', {
        metadata: objectMeta(ctx, name, WAVE.config, { annotations }),
        spec: {
          encryptedData: { [DOCKER_CONFIG_JSON.key]: s.encryptedDockerConfigJson! },
          template: { type: DOCKER_CONFIG_JSON.type, metadata: { name, namespace: ctx.namespace, labels: systemLabels(ctx) } },
        },
      });
    }
  }
}
