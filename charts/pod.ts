/**
 * Pod and container pieces every workload shares: the restricted Pod Security context, a
 * read-only root filesystem with emptyDir for the paths an app writes, probes and resources.
 */
import * as k8s from '../imports/kube';
import type { SystemContext } from '../src/model/context';
import { names, workloadLabels } from '../src/model/names';
import type { Probe, Resources } from '../src/spec/app-spec.generated';

/** Identity a pod runs as. */
export interface PodIdentity {
  /** Non-zero user id. */
  readonly runAsUser: number;
  /** Non-zero group id; also the fsGroup that owns mounted volumes. */
  readonly runAsGroup: number;
}

/**
 * Pod-level security context meeting the restricted Pod Security Standard.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function podSecurityContext(id: PodIdentity): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: id.runAsUser,
    runAsGroup: id.runAsGroup,
    fsGroup: id.runAsGroup,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context: no privilege escalation, no capabilities, read-only root. */
export function containerSecurityContext(id: PodIdentity): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: id.runAsUser,
    runAsGroup: id.runAsGroup,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Volume name of an emptyDir mounted at a writable path: /tmp -> tmp, /app/.cache -> app-cache. */
export function scratchVolumeName(path: string): string {
  const slug = path.replace(/^\/+/, '').replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  return `scratch-${slug === '' ? 'root' : slug}`.slice(0, 63).replace(/-$/, '');
}

/** emptyDir volumes and their mounts for the directories an app writes to. */
export function scratchVolumes(paths: readonly string[]): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const sorted = [...paths].sort();
  return {
    volumes: sorted.map((p) => ({ name: scratchVolumeName(p), emptyDir: { sizeLimit: '1Gi' } })),
    mounts: sorted.map((p) => ({ name: scratchVolumeName(p), mountPath: p })),
  };
}

/**
 * Requests and limits of a container. Ephemeral storage is always bounded (the emptyDir scratch
 * space counts against it), so a runaway log or temp file evicts one pod, not its neighbours.
 */
export function resources(r: Resources): k8s.ResourceRequirements {
  const limits: Record<string, string> = { memory: r.limits.memory, 'ephemeral-storage': EPHEMERAL_STORAGE.limit };
  if (r.limits.cpu !== undefined) limits.cpu = r.limits.cpu;
  return {
    requests: { cpu: r.requests.cpu, memory: r.requests.memory, 'ephemeral-storage': EPHEMERAL_STORAGE.request },
    limits,
  };
}

/** Ephemeral storage of every container: room for two 1Gi scratch directories and logs. */
export const EPHEMERAL_STORAGE = { request: '128Mi', limit: '3Gi' } as const;

/** A probe from the spec, on the container's named port `http` when it checks HTTP or TCP. */
export function probe(p: Probe): k8s.Probe {
  const timing = {
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  };
  if (p.path !== undefined) return { httpGet: { path: p.path, port: 'http' }, ...timing };
  if (p.tcp === true) return { tcpSocket: { port: 'http' }, ...timing };
  return { exec: { command: p.command }, ...timing };
}

/** Environment variables from a map, sorted by name, values as strings. */
export function literalEnv(env: Record<string, string | number | boolean> | undefined): k8s.EnvVar[] {
  return Object.entries(env ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value: String(value) }));
}

/** What differs between the pods we emit; everything else comes from podTemplate. */
export interface PodTemplateProps {
  /** Workload name: its labels (workloadLabels) and its ServiceAccount `<system>-<workload>`. */
  readonly workload: string;
  /** Identity every container runs as (and the fsGroup of mounted volumes). */
  readonly identity: PodIdentity;
  /**
   * The containers; each gets imagePullPolicy IfNotPresent (when it names none) and the
   * restricted security context of `identity`.
   */
  readonly containers: readonly k8s.Container[];
  /**
   * Volumes of the pod.
   * @default - none
   */
  readonly volumes?: readonly k8s.Volume[];
  /**
   * `Never` for Jobs and CronJobs: a failed run is retried by the Job's backoffLimit, not in place.
   * @default - Kubernetes' default (Always), left out
   */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /**
   * Seconds between SIGTERM and SIGKILL.
   * @default - Kubernetes' default (30), left out
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Scheduling constraints (spreading replicas, colocating with a volume's pod).
   * @default - none
   */
  readonly affinity?: k8s.Affinity;
}

/**
 * The pod template of every pod we emit (Deployments, StatefulSets, Jobs, CronJobs): its own
 * ServiceAccount with no token mounted, no service links, the restricted Pod Security context
 * on the pod and each container, and pinned images pulled only when missing.
 */
export function podTemplate(ctx: SystemContext, p: PodTemplateProps): k8s.PodTemplateSpec {
  return {
    metadata: { labels: workloadLabels(ctx, p.workload) },
    spec: {
      restartPolicy: p.restartPolicy,
      serviceAccountName: names.component(ctx, p.workload),
      // The apps never call the Kubernetes API; a mounted token would only be something to steal.
      automountServiceAccountToken: false,
      // Service links flood the environment with every Service of the namespace.
      enableServiceLinks: false,
      securityContext: podSecurityContext(p.identity),
      terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
      affinity: p.affinity,
      containers: p.containers.map((c) => ({ ...c, imagePullPolicy: c.imagePullPolicy ?? 'IfNotPresent', securityContext: containerSecurityContext(p.identity) })),
      volumes: p.volumes === undefined ? undefined : [...p.volumes],
    },
  };
}
