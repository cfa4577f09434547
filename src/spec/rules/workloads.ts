/**
 * Rules of the workload features a JSON Schema cannot express: autoscaling on custom metrics,
 * KEDA queue scaling (never next to an HPA), init containers and sidecars, secret files,
 * user Jobs and CronJobs, private-registry pull secrets. Called from checkRules (src/spec/rules.ts); each problem
 * names the field and says what to do instead.
 */
import type { AppSpec, Component, CustomMetric, ExtraContainer } from '../app-spec.generated';
import { cronProblem } from '../cron';
import { bytes, millicores } from '../quantity';
import { names } from '../../model/names';

type Add = (path: string, problem: string) => void;

/** Workload names synth uses itself: migrations, restores and the in-cluster database and cache. */
const RESERVED_WORKLOADS = ['migrate', 'restore', 'postgres', 'redis'];
// CronJob names leave 11 characters for the controller's suffix; a Job's pods need 63.
const CRONJOB_NAME_MAX = 52;
const JOB_NAME_MAX = 63;

export function checkWorkloads(spec: AppSpec, add: Add): void {
  for (const [name, c] of Object.entries(spec.components)) {
    const at = `components.${name}`;
    checkAutoscalingMetrics(c, at, add);
    checkKeda(spec, name, c, at, add);
    checkExtraContainers(spec, c, at, add);
    checkSecretFiles(spec, c, at, add);
    (c.tolerations ?? []).forEach((t, i) => {
      if ((t.operator ?? 'Equal') === 'Exists' && t.value !== undefined) {
        add(`${at}.tolerations[${i}].value`, `is ${JSON.stringify(t.value)} but operator 'Exists' matches any value of the taint; remove 'value' or use operator 'Equal'`);
      }
    });
  }
  checkJobs(spec, add);
  checkPullSecret(spec, add);
}

function checkAutoscalingMetrics(c: Component, at: string, add: Add): void {
  (c.autoscaling?.metrics ?? []).forEach((m: CustomMetric, i) => {
    const p = `${at}.autoscaling.metrics[${i}]`;
    if (m.type === 'pods') {
      if (m.averageValue === undefined) add(`${p}.averageValue`, `is required for a 'pods' metric: the target value per pod, such as 500m`);
      if (m.value !== undefined) add(`${p}.value`, `applies to 'external' metrics only; a 'pods' metric is averaged over the pods, so set 'averageValue'`);
      if (m.selector !== undefined) add(`${p}.selector`, `applies to 'external' metrics only; prometheus-adapter selects a pods metric by the pods' own labels`);
    } else if ((m.value === undefined) === (m.averageValue === undefined)) {
      add(p, `must set exactly one of 'value' (the metric's total) or 'averageValue' (the total divided by the replicas)`);
    }
  });
}

function checkKeda(spec: AppSpec, name: string, c: Component, at: string, add: Add): void {
  const k = c.keda;
  if (k === undefined) return;
  const p = `${at}.keda`;
  if (c.autoscaling !== undefined) {
    add(p, `is set together with 'autoscaling': KEDA creates its own HPA, and two HPAs on one Deployment fight over its replicas; keep one (KEDA for queue depth, with keda.targetCPUUtilization for CPU)`);
  }
  if (k.minReplicas > k.maxReplicas) add(`${p}.minReplicas`, `is ${k.minReplicas} but maxReplicas is ${k.maxReplicas}; minReplicas must be at most maxReplicas`);
  if (c.replicas !== undefined) add(`${at}.replicas`, `is set together with 'keda'; KEDA owns the replica count, so remove 'replicas' (set it to null in an environment override)`);
  const sqliteWriter = spec.database?.engine === 'sqlite' && spec.database.writer === name;
  if (c.singleton === true || sqliteWriter) add(p, `cannot be set: the component runs exactly one pod (${sqliteWriter ? 'the SQLite writer' : 'singleton'}), so nothing can scale it`);
  const list = k.redisList;
  const cache = spec.cache;
  if (cache === undefined) {
    add(`${p}.redisList`, `reads a Redis list but the spec has no 'cache'; add the Redis the queue lives on`);
    return;
  }
  const secretKeys: readonly string[] = spec.secrets?.keys ?? [];
  if ((cache.mode ?? 'in-cluster') === 'external') {
    for (const field of ['addressKey', 'passwordKey'] as const) {
      const key = list[field];
      if (key === undefined) add(`${p}.redisList.${field}`, `is required with an external cache: KEDA reads the ${field === 'addressKey' ? 'host:port' : 'password'} of the managed Redis from this secret key`);
      else if (!secretKeys.includes(key)) add(`${p}.redisList.${field}`, `${JSON.stringify(key)} is not in secrets.keys; known keys: ${secretKeys.join(', ') || '(none)'}`);
    }
  } else {
    for (const field of ['addressKey', 'passwordKey', 'tls'] as const) {
      if (list[field] !== undefined) add(`${p}.redisList.${field}`, `applies to an external cache only; the in-cluster Redis is reached by its Service with REDIS_PASSWORD`);
    }
  }
}

function checkContainerResources(r: ExtraContainer['resources'], at: string, add: Add): void {
  if (bytes(r.limits.memory) < bytes(r.requests.memory)) add(`${at}.resources.limits.memory`, `is ${r.limits.memory}, below the request ${r.requests.memory}; a limit must be at least the request`);
  if (r.limits.cpu !== undefined && millicores(r.limits.cpu) < millicores(r.requests.cpu)) add(`${at}.resources.limits.cpu`, `is ${r.limits.cpu}, below the request ${r.requests.cpu}; a limit must be at least the request`);
}

function checkExtraContainers(spec: AppSpec, c: Component, at: string, add: Add): void {
  const secretKeys = new Set(spec.secrets?.keys ?? []);
  const seen = new Map<string, string>();
  const lists = [['initContainers', c.initContainers ?? []], ['sidecars', c.sidecars ?? []]] as const;
  for (const [field, containers] of lists) {
    containers.forEach((x, i) => {
      const p = `${at}.${field}[${i}]`;
      const other = seen.get(x.name);
      if (other !== undefined) add(`${p}.name`, `${JSON.stringify(x.name)} is also the name of ${other}; container names in a pod must be unique`);
      seen.set(x.name, p);
      (x.secrets ?? []).forEach((key, j) => {
        if (!secretKeys.has(key)) add(`${p}.secrets[${j}]`, `${JSON.stringify(key)} is not in secrets.keys; known keys: ${[...secretKeys].join(', ') || '(none)'}`);
      });
      checkContainerResources(x.resources, p, add);
      if (field === 'initContainers' && x.probes !== undefined) {
        add(`${p}.probes`, `an init container runs to completion before the pod starts, so nothing probes it; make it a sidecar or remove 'probes'`);
      }
      for (const kind of ['path', 'tcp'] as const) {
        for (const probe of ['liveness', 'readiness', 'startup'] as const) {
          if (x.probes?.[probe]?.[kind] !== undefined) add(`${p}.probes.${probe}`, `checks a port, but a sidecar declares none; use 'command'`);
        }
      }
    });
  }
}

function checkSecretFiles(spec: AppSpec, c: Component, at: string, add: Add): void {
  const files = c.secretFiles;
  if (files === undefined) return;
  const secretKeys = new Set(spec.secrets?.keys ?? []);
  if (spec.secrets === undefined) add(`${at}.secretFiles`, `mounts secret keys but the spec has no 'secrets' section; add secrets.mode and secrets.keys`);
  else {
    files.keys.forEach((key, i) => {
      if (!secretKeys.has(key)) add(`${at}.secretFiles.keys[${i}]`, `${JSON.stringify(key)} is not in secrets.keys; known keys: ${[...secretKeys].join(', ') || '(none)'}`);
    });
  }
  const taken = [...Object.values(c.volumes ?? {}), c.configFilesPath, ...(c.writablePaths ?? [])];
  if (taken.includes(files.path)) add(`${at}.secretFiles.path`, `is ${files.path}, which the component already mounts; mount secret files at a path of their own, such as /run/secrets/app`);
}

function checkJobs(spec: AppSpec, add: Add): void {
  const seen = new Map<string, number>();
  const volumes = spec.storage?.volumes ?? {};
  (spec.jobs ?? []).forEach((job, i) => {
    const p = `jobs[${i}]`;
    const other = seen.get(job.name);
    if (other !== undefined) add(`${p}.name`, `${JSON.stringify(job.name)} is also the name of jobs[${other}]; job names must be unique`);
    seen.set(job.name, i);
    const taken = [
      ...Object.keys(spec.components),
      ...(spec.maintenance ?? []).map((t) => t.name),
      ...RESERVED_WORKLOADS,
    ];
    if (taken.includes(job.name) || job.name.startsWith('backup-')) {
      add(`${p}.name`, `${JSON.stringify(job.name)} is already the name of a component, task or built-in workload (${RESERVED_WORKLOADS.join(', ')}, backup-*); a job's pods get a ServiceAccount and NetworkPolicy of their own, so choose another name`);
    }
    // A CronJob's name leaves room for the controller's 11-character suffix; a one-off Job's
    // name carries a 9-character template hash (charts/user-jobs.ts).
    const full = names.userJob({ system: spec.name }, job.name);
    const max = job.schedule !== undefined ? CRONJOB_NAME_MAX : JOB_NAME_MAX - 9;
    if (full.length > max) add(`${p}.name`, `makes the ${job.schedule !== undefined ? 'CronJob' : 'Job'} name ${JSON.stringify(full)} ${full.length} characters long; at most ${max} fit: shorten the job or system name`);
    const c = spec.components[job.component];
    if (c === undefined) add(`${p}.component`, `refers to component ${JSON.stringify(job.component)}, which does not exist; components: ${Object.keys(spec.components).join(', ')}`);
    else {
      const rwo = Object.keys(c.volumes ?? {}).filter((v) => (volumes[v]?.accessMode ?? 'ReadWriteOnce') === 'ReadWriteOnce');
      if (rwo.length > 0) {
        add(`${p}.component`, `${JSON.stringify(job.component)} mounts the ReadWriteOnce volume ${rwo.join(', ')}, which a Job's pod on another node cannot attach; run the task inside the component instead`);
      }
    }
    if (job.schedule !== undefined) {
      const problem = cronProblem(job.schedule);
      if (problem) add(`${p}.schedule`, `${JSON.stringify(job.schedule)} is not a valid cron schedule: ${problem}`);
    } else if (job.timeZone !== undefined) {
      add(`${p}.timeZone`, `applies to scheduled jobs only; add 'schedule' or remove 'timeZone'`);
    }
    if (job.resources !== undefined) checkContainerResources(job.resources, p, add);
  });
}

function checkPullSecret(spec: AppSpec, add: Add): void {
  const s = spec.imagePullSecret;
  if (s === undefined) return;
  const p = 'imagePullSecret';
  if (s.mode === 'external' && s.store === undefined) add(`${p}.store`, `is required when mode is 'external': name the SecretStore or ClusterSecretStore that holds the registry credentials`);
  if (s.mode !== 'external') {
    for (const field of ['store', 'remoteKey', 'property'] as const) {
      if (s[field] !== undefined) add(`${p}.${field}`, `is only used when mode is 'external' (mode is ${JSON.stringify(s.mode)})`);
    }
  }
  if (s.mode === 'sealed' && s.encryptedDockerConfigJson === undefined) add(`${p}.encryptedDockerConfigJson`, `is required when mode is 'sealed': the kubeseal-encrypted .dockerconfigjson`);
  if (s.mode !== 'sealed' && s.encryptedDockerConfigJson !== undefined) add(`${p}.encryptedDockerConfigJson`, `is only used when mode is 'sealed' (mode is ${JSON.stringify(s.mode)})`);
  if (s.name !== undefined && s.name === names.secret({ system: spec.name })) add(`${p}.name`, `is ${JSON.stringify(s.name)}, the name of the system's app Secret; choose another, such as registry-credentials`);
}
