/**
 * Queue-depth scaling of a worker with KEDA: a ScaledObject (keda.sh/v1alpha1) on the length of
 * a Redis list, Celery's queue being the seed's case, and the TriggerAuthentication that hands
 * the Redis password (and, for an external Redis, its address) from the system's Secret to the
 * scaler. KEDA creates and owns the HPA itself, so a component never gets ours as well
 * (src/spec/rules.ts refuses 'autoscaling' next to 'keda'), and its Deployment leaves out
 * spec.replicas.
 * @see https://keda.sh/docs/2.21/scalers/redis-lists/
 */
import { Construct } from 'constructs';
import { ScaledObject, ScaledObjectTrigger, TriggerAuthentication } from '../imports/keda';
import { cacheMode, SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import type { Keda as KedaSpec } from '../src/spec/app-spec.generated';
import { hpaBehavior } from './autoscaling';
import { REDIS_PORT } from './connections';
import { objectMeta, SKIP_DRY_RUN_ON_MISSING_RESOURCE, WAVE } from './meta';

/** KEDA's own defaults, written out so dist/ says what runs. */
export const KEDA_DEFAULTS = { pollingIntervalSeconds: 30, cooldownSeconds: 300 } as const;

export interface QueueScalingProps {
  /** The system in one environment. */
  readonly ctx: SystemContext;
  /** Component name, the key under `components` in the spec. */
  readonly component: string;
  /** The component's `keda` section. */
  readonly keda: KedaSpec;
}

export class QueueScaling extends Construct {
  constructor(scope: Construct, id: string, props: QueueScalingProps) {
    super(scope, id);
    const { ctx, component, keda: k } = props;
    const deployment = names.component(ctx, component);
    const auth = names.queueAuth(ctx, component);
    const secret = names.secret(ctx);
    const list = k.redisList;
    const external = cacheMode(ctx) === 'external';
    // The CRDs arrive with KEDA, possibly in the same sync (Argo CD sync-options).
    const annotations = SKIP_DRY_RUN_ON_MISSING_RESOURCE;

    const secretTargetRef = external
      ? [
          { parameter: 'address', name: secret, key: list.addressKey! },
          { parameter: 'password', name: secret, key: list.passwordKey! },
        ]
      : [{ parameter: 'password', name: secret, key: 'REDIS_PASSWORD' }];
    new TriggerAuthentication(this, 'auth', {
      metadata: objectMeta(ctx, auth, WAVE.workload, { annotations }),
      spec: { secretTargetRef },
    });

    const metadata: Record<string, string> = {
      listName: list.listName,
      listLength: String(list.listLength),
      databaseIndex: String(list.databaseIndex ?? 0),
    };
    if (!external) metadata.address = `${names.redis(ctx)}.${ctx.namespace}.svc:${REDIS_PORT}`;
    if (external && list.tls === true) metadata.enableTLS = 'true';
    const triggers: ScaledObjectTrigger[] = [{ type: 'redis', metadata, authenticationRef: { name: auth } }];
    if (k.targetCPUUtilization !== undefined) {
      triggers.push({ type: 'cpu', metricType: 'Utilization', metadata: { value: String(k.targetCPUUtilization) } });
    }
    const behavior = hpaBehavior(k.behavior);
    new ScaledObject(this, 'scaled-object', {
      metadata: objectMeta(ctx, deployment, WAVE.workload, { annotations }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment },
        pollingInterval: k.pollingIntervalSeconds ?? KEDA_DEFAULTS.pollingIntervalSeconds,
        cooldownPeriod: k.cooldownSeconds ?? KEDA_DEFAULTS.cooldownSeconds,
        minReplicaCount: k.minReplicas,
        maxReplicaCount: k.maxReplicas,
        advanced: behavior === undefined ? undefined : { horizontalPodAutoscalerConfig: { behavior } },
        triggers,
      },
    });
  }
}
