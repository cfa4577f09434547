/**
 * Pod and container pieces every workload shares: the restricted Pod Security context, a
 * read-only root filesystem with emptyDir for the paths an app writes, probes and resources.
 */
import * as k8s from '../imports/kube';
import { DEFAULTS, SystemContext } from '../src/model/context';
import type { JobStep, JobWorkload } from '../src/model/jobs';
import { names, selectorLabels, workloadLabels } from '../src/model/names';
import type { Probe, Resources } from '../src/spec/app-spec.generated';
import type { Placement } from './placement';
import { imagePullSecrets } from './pod-secrets';

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
   * Containers run in order before `containers`, each only after the one before it
   * succeeded (a Job's steps; a component's init containers), and native sidecars
   * (charts/extra-containers.ts); hardened like `containers`.
   * @default - none
   */
  readonly initContainers?: readonly k8s.Container[];
  /**
   * Mount the ServiceAccount token. Only the restore Job that scales the SQLite writer calls
   * the Kubernetes API (with a Role `npm run restore` writes beside it).
   * @default false
   */
  readonly apiAccess?: boolean;
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
  /**
   * Annotations of the pod template, such as the config hashes that roll it (charts/config-hash.ts).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Priority, zone spreading, node selector and tolerations (charts/placement.ts).
   * @default - none
   */
  readonly placement?: Placement;
  /**
   * Whether the pod runs the system's own images, which may live in the private registry of
   * `imagePullSecret`: it then pulls with names.registrySecret. The in-cluster database and
   * cache run public images.
   * @default false
   */
  readonly systemImages?: boolean;
}

/**
 * The pod template of every pod we emit (Deployments, StatefulSets, Jobs, CronJobs, and the
 * restore Jobs of `npm run restore`): its own
 * ServiceAccount with no token mounted, no service links, the restricted Pod Security context
 * on the pod and each container, and pinned images pulled only when missing.
 */
export function podTemplate(ctx: SystemContext, p: PodTemplateProps): k8s.PodTemplateSpec {
  const harden = (c: k8s.Container): k8s.Container => ({ ...c, imagePullPolicy: c.imagePullPolicy ?? 'IfNotPresent', securityContext: containerSecurityContext(p.identity) });
  const annotations = p.annotations !== undefined && Object.keys(p.annotations).length > 0 ? { ...p.annotations } : undefined;
  return {
    metadata: { labels: workloadLabels(ctx, p.workload), annotations },
    spec: {
      restartPolicy: p.restartPolicy,
      ...p.placement,
      imagePullSecrets: p.systemImages === true ? imagePullSecrets(ctx) : undefined,
      serviceAccountName: names.component(ctx, p.workload),
      // The apps never call the Kubernetes API; a mounted token would only be something to steal.
      automountServiceAccountToken: p.apiAccess ?? false,
      // Service links flood the environment with every Service of the namespace.
      enableServiceLinks: false,
      securityContext: podSecurityContext(p.identity),
      terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
      affinity: p.affinity,
      initContainers: p.initContainers === undefined || p.initContainers.length === 0 ? undefined : p.initContainers.map(harden),
      containers: p.containers.map(harden),
      volumes: p.volumes === undefined ? undefined : [...p.volumes],
    },
  };
}

/** Required scheduling on the node of a workload's pod: a ReadWriteOnce volume attaches to one node only. */
export function colocateWith(ctx: SystemContext, workload: string): k8s.Affinity {
  return {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selectorLabels(ctx, workload) } }],
    },
  };
}

/** The container of one step of a Job from the jobs model (src/model/jobs.ts), with the given extra mounts. */
export function stepContainer(step: JobStep, extraMounts: readonly k8s.VolumeMount[] = []): k8s.Container {
  return {
    name: step.name,
    image: step.image,
    command: step.command,
    env: step.env.length > 0 ? step.env : undefined,
    resources: resources(DEFAULTS.backupJob.resources),
    volumeMounts: [...step.mounts, ...extraMounts],
  };
}

/**
 * The pod template of a Job-shaped workload from the jobs model (backup, maintenance and
 * restore Jobs), through podTemplate: its steps in order (all but the last as init containers,
 * so each starts only after the one before it succeeded), a writable /tmp, and, where a
 * ReadWriteOnce volume demands it, on the node of the pod that holds that volume.
 */
export function jobPodTemplate(ctx: SystemContext, job: JobWorkload, options: { apiAccess?: boolean } = {}): k8s.PodTemplateSpec {
  const scratch = scratchVolumes(['/tmp']);
  const containers = job.steps.map((s) => stepContainer(s, scratch.mounts));
  return podTemplate(ctx, {
    workload: job.workload,
    identity: { runAsUser: job.uid, runAsGroup: job.gid },
    restartPolicy: 'Never',
    apiAccess: options.apiAccess,
    // SQLite backups, maintenance and restores run the app's image, which may live in the private registry.
    systemImages: true,
    affinity: job.colocateWith === undefined ? undefined : colocateWith(ctx, job.colocateWith),
    initContainers: containers.slice(0, -1),
    containers: containers.slice(-1),
    volumes: [...job.volumes, ...scratch.volumes],
  });
}
