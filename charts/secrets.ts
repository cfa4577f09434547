/**
 * The system's Secret, by reference only: an ExternalSecret that external-secrets fills from
 * a store, a SealedSecret holding values only the cluster can decrypt, or nothing at all when
 * the bootstrap command creates the Secret from environment variables. No value enters git.
 */
import { Construct } from 'constructs';
import { ExternalSecret } from '../imports/external-secrets';
import { SealedSecret } from '../imports/sealed-secrets';
import { DEFAULTS, SystemContext } from '../src/model/context';
import { names, systemLabels } from '../src/model/names';
import { objectMeta, SKIP_DRY_RUN_ON_MISSING_RESOURCE, WAVE } from './meta';

export interface SecretsProps {
  readonly ctx: SystemContext;
}

export class Secrets extends Construct {
  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const { ctx } = props;
    const s = ctx.spec.secrets;
    if (s === undefined || s.mode === 'bootstrap') return;
    const keys = [...s.keys].sort();
    // The CRD may arrive in the same sync as the operator (Argo CD sync-options).
    const annotations = SKIP_DRY_RUN_ON_MISSING_RESOURCE;
    if (s.mode === 'external') {
      const remoteKey = s.remoteKey ?? `${ctx.system}/${ctx.env}`;
      new ExternalSecret(this, 'external', {
        metadata: objectMeta(ctx, names.secret(ctx), WAVE.config, { annotations }),
        spec: {
          refreshInterval: s.refreshInterval ?? DEFAULTS.secretsRefreshInterval,
          secretStoreRef: { kind: s.store?.kind ?? DEFAULTS.secretStoreKind, name: s.store!.name },
          target: {
            name: names.secret(ctx),
            creationPolicy: 'Owner',
            deletionPolicy: 'Retain',
            template: { type: 'Opaque', metadata: { labels: systemLabels(ctx) } },
          },
          data: keys.map((key) => ({ secretKey: key, remoteRef: { key: remoteKey, property: key } })),
        },
      });
    } else {
      const encrypted = s.encryptedData ?? {};
      new SealedSecret(this, 'sealed', {
        metadata: objectMeta(ctx, names.secret(ctx), WAVE.config, { annotations }),
        spec: {
          encryptedData: Object.fromEntries(keys.map((k) => [k, encrypted[k]])),
          template: { type: 'Opaque', metadata: { name: names.secret(ctx), namespace: ctx.namespace, labels: systemLabels(ctx) } },
        },
      });
    }
  }
}
