/**
 * A component of the system as a Deployment: web components and workers alike, with the
 * restricted security context, probes, resources, config and secrets, volumes, anti-affinity
 * for replicated pods, and the single-writer rule (Recreate, one replica) for singletons.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { DEFAULTS, isSingleton, SystemContext } from '../src/model/context';
import { names, selectorLabels, workloadLabels } from '../src/model/names';
import type { Component } from '../src/spec/app-spec.generated';
import { CACHE, DATABASE } from '../src/spec/rules';
import { cacheEnv, databaseEnv } from './connections';
import { objectMeta, WAVE } from './meta';
import { literalEnv, PodIdentity, podTemplate, probe, resources, scratchVolumes } from './pod';

export interface WorkloadProps {
  /** The system in one environment. */
  readonly ctx: SystemContext;
  /** Component name, the key under `components` in the spec. */
  readonly name: string;
  readonly component: Component;
}

/** Name of the volume that mounts the system's configFiles. */
export const CONFIG_FILES_VOLUME = 'config-files';

/** Env and envFrom of a container, from the component's config and secrets selections. */
export function containerEnv(ctx: SystemContext, c: Component): { env: k8s.EnvVar[]; envFrom: k8s.EnvFromSource[] } {
  const envFrom: k8s.EnvFromSource[] = [];
  const env: k8s.EnvVar[] = [];
  const config = c.config ?? 'all';
  if (ctx.spec.config !== undefined) {
    if (config === 'all') envFrom.push({ configMapRef: { name: names.config(ctx) } });
    else if (Array.isArray(config)) {
      for (const key of config) env.push({ name: key, valueFrom: { configMapKeyRef: { name: names.config(ctx), key } } });
    }
  }
  const secrets = c.secrets ?? 'none';
  if (secrets === 'all') envFrom.push({ secretRef: { name: names.secret(ctx) } });
  else if (Array.isArray(secrets)) {
    for (const key of secrets) env.push({ name: key, valueFrom: { secretKeyRef: { name: names.secret(ctx), key } } });
  }
  env.push(...literalEnv(c.env));
  const connects = c.connectsTo ?? [];
  if (connects.includes(DATABASE)) env.push(...databaseEnv(ctx));
  if (connects.includes(CACHE)) env.push(...cacheEnv(ctx));
  return { env, envFrom };
}

/** Volumes and mounts of a component: its PVCs, configFiles, and emptyDir scratch space. */
export function componentVolumes(ctx: SystemContext, c: Component): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  for (const [volume, path] of Object.entries(c.volumes ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    volumes.push({ name: volume, persistentVolumeClaim: { claimName: names.volume(ctx, volume) } });
    mounts.push({ name: volume, mountPath: path });
  }
  if (c.configFilesPath !== undefined) {
    volumes.push({ name: CONFIG_FILES_VOLUME, configMap: { name: names.configFiles(ctx) } });
    mounts.push({ name: CONFIG_FILES_VOLUME, mountPath: c.configFilesPath, readOnly: true });
  }
  const scratch = scratchVolumes(c.writablePaths ?? DEFAULTS.writablePaths);
  return { volumes: [...volumes, ...scratch.volumes], mounts: [...mounts, ...scratch.mounts] };
}

/** The identity a component's pods run as. */
export function componentIdentity(c: Component): PodIdentity {
  return { runAsUser: c.runAsUser ?? DEFAULTS.runAsUser, runAsGroup: c.runAsGroup ?? DEFAULTS.runAsGroup };
}

/** The main container of a component, also used by its migration Job (security context and pull policy come from podTemplate). */
export function componentContainer(ctx: SystemContext, name: string, c: Component, withProbes: boolean): k8s.Container {
  const { env, envFrom } = containerEnv(ctx, c);
  const { mounts } = componentVolumes(ctx, c);
  return {
    name,
    image: c.image,
    command: c.command,
    args: c.args,
    ports: c.port === undefined ? undefined : [{ name: 'http', containerPort: c.port, protocol: 'TCP' }],
    env: env.length > 0 ? env : undefined,
    envFrom: envFrom.length > 0 ? envFrom : undefined,
    resources: resources(c.resources),
    livenessProbe: withProbes && c.probes?.liveness ? probe(c.probes.liveness) : undefined,
    readinessProbe: withProbes && c.probes?.readiness ? probe(c.probes.readiness) : undefined,
    startupProbe: withProbes && c.probes?.startup ? probe(c.probes.startup) : undefined,
    lifecycle:
      withProbes && c.preStopSleepSeconds !== undefined
        ? { preStop: { exec: { command: ['/bin/sh', '-c', `sleep ${c.preStopSleepSeconds}`] } } }
        : undefined,
    volumeMounts: mounts,
  };
}

/** Preferred spreading of a workload's pods over nodes (kube-score, kube-linter no-anti-affinity). */
export function spreadOverNodes(ctx: SystemContext, workload: string): k8s.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: selectorLabels(ctx, workload) },
          },
        },
      ],
    },
  };
}

export class Workload extends Construct {
  /** Pod labels, for Services, NetworkPolicies and PDBs that select these pods. */
  public readonly podLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    const { ctx, name, component: c } = props;
    const singleton = isSingleton(ctx, name);
    const autoscaled = c.autoscaling !== undefined;
    const replicas = c.replicas ?? DEFAULTS.replicas;
    this.podLabels = workloadLabels(ctx, name);
    const multiple = !singleton && (autoscaled || replicas > 1);

    new k8s.KubeDeployment(this, 'deployment', {
      metadata: objectMeta(ctx, names.component(ctx, name), WAVE.workload, { labels: this.podLabels }),
      spec: {
        // An HPA owns the count: leaving replicas out stops Argo CD and the HPA fighting.
        replicas: autoscaled ? undefined : replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selectorLabels(ctx, name) },
        // A singleton never runs twice: the old pod stops before the new one starts.
        strategy: singleton
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: podTemplate(ctx, {
          workload: name,
          identity: componentIdentity(c),
          terminationGracePeriodSeconds: c.terminationGracePeriodSeconds ?? DEFAULTS.terminationGracePeriodSeconds,
          affinity: multiple ? spreadOverNodes(ctx, name) : undefined,
          containers: [componentContainer(ctx, name, c, true)],
          volumes: componentVolumes(ctx, c).volumes,
        }),
      },
    });
  }
}
