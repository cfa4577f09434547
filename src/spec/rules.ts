/**
 * Rules a JSON Schema cannot express: references between fields, the single-writer rule of
 * SQLite, secrets in plain config, schedules, names that grow too long. Each rule returns
 * problems with the field path and a message that says what to do instead.
 */
import type { AppSpec, Component, Probe } from './app-spec.generated';
import { cronProblem } from './cron';
import { imageProblem } from './image';
import { names } from '../model/names';
import { Problem } from './errors';
import { bytes, millicores } from './quantity';
import { secretLikeReason } from './secret-like';
import { checkSecretValues } from './rules/secret-values';
import { checkAlertExpressions } from './rules/alerts';
import { checkGeneratedNames } from './rules/generated-names';
import { checkImages } from './rules/images';
import { checkMounts } from './rules/mounts';

/** Names a component may list in `connectsTo` besides other components. */
export const DATABASE = 'database';
export const CACHE = 'cache';

// CronJob names are limited to 52 characters (the controller appends an 11-character suffix).
const CRONJOB_NAME_MAX = 52;

export function checkRules(spec: AppSpec): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, problem: string) => problems.push({ path, problem });
  const components = spec.components;
  const volumes = spec.storage?.volumes ?? {};
  const configKeys = new Set(Object.keys(spec.config ?? {}));
  const secretKeys = new Set(spec.secrets?.keys ?? []);

  checkSecrets(spec, add);
  checkSecretValues(spec, add);
  checkGeneratedNames(spec, add);
  checkImages(spec, add);
  checkMounts(spec, add);
  checkAlertExpressions(spec, add);
  for (const [key, value] of Object.entries(spec.config ?? {})) {
    const reason = secretLikeReason(key, value);
    if (reason) add(`config.${key}`, `looks like a secret (${reason}); move ${key} to secrets.keys and keep its value out of git`);
    if (secretKeys.has(key)) add(`config.${key}`, `is also listed in secrets.keys; a key is either config or secret, not both`);
  }
  for (const [file, content] of Object.entries(spec.configFiles ?? {})) {
    const reason = secretLikeReason('', content);
    if (reason) add(`configFiles.${file}`, `contains a secret (${reason}); reference it as \${VAR} and list VAR in secrets.keys`);
  }

  for (const [name, c] of Object.entries(components)) {
    const at = `components.${name}`;
    if (name === DATABASE || name === CACHE) add(at, `the name ${JSON.stringify(name)} is reserved for the system's ${name}; choose another`);
    checkComponent(spec, name, c, at, add);
    for (const [key, value] of Object.entries(c.env ?? {})) {
      const reason = secretLikeReason(key, value);
      if (reason) add(`${at}.env.${key}`, `looks like a secret (${reason}); move ${key} to secrets.keys and set 'secrets' on the component`);
    }
    if (Array.isArray(c.config)) {
      c.config.forEach((key, i) => {
        if (!configKeys.has(key)) add(`${at}.config[${i}]`, `${JSON.stringify(key)} is not a key of 'config'; known keys: ${[...configKeys].join(', ') || '(none)'}`);
      });
    }
    if (c.secrets !== undefined && c.secrets !== 'none' && spec.secrets === undefined) {
      add(`${at}.secrets`, `reads secrets but the spec has no 'secrets' section; add secrets.mode and secrets.keys`);
    }
    if (Array.isArray(c.secrets)) {
      c.secrets.forEach((key, i) => {
        if (!secretKeys.has(key)) add(`${at}.secrets[${i}]`, `${JSON.stringify(key)} is not in secrets.keys; known keys: ${[...secretKeys].join(', ') || '(none)'}`);
      });
    }
    for (const [volume] of Object.entries(c.volumes ?? {})) {
      if (!(volume in volumes)) add(`${at}.volumes.${volume}`, `refers to volume ${JSON.stringify(volume)}, which storage.volumes does not define; defined: ${Object.keys(volumes).join(', ') || '(none)'}`);
    }
    if (c.configFilesPath !== undefined && spec.configFiles === undefined) {
      add(`${at}.configFilesPath`, `mounts configFiles but the spec has no 'configFiles'; add them or remove configFilesPath`);
    }
    (c.connectsTo ?? []).forEach((target, i) => {
      const p = `${at}.connectsTo[${i}]`;
      if (target === name) add(p, `a component does not need a policy to reach itself; remove ${JSON.stringify(target)}`);
      else if (target === DATABASE) {
        if (spec.database === undefined) add(p, `refers to the database but the spec has no 'database'`);
        else if (spec.database.engine === 'sqlite') add(p, `SQLite is a file, not a server; mount its volume instead of connecting to 'database'`);
      } else if (target === CACHE) {
        if (spec.cache === undefined) add(p, `refers to the cache but the spec has no 'cache'`);
      } else if (!(target in components)) {
        add(p, `refers to component ${JSON.stringify(target)}, which does not exist; components: ${Object.keys(components).join(', ')}`);
      } else if (components[target].kind !== 'web') {
        add(p, `refers to ${JSON.stringify(target)}, a worker that listens on no port; connect to a web component`);
      }
    });
  }

  checkDatabase(spec, add);
  checkIngress(spec, add);
  checkJobs(spec, add);

  if (spec.migrations !== undefined) {
    const target = components[spec.migrations.component];
    if (target === undefined) add('migrations.component', `refers to component ${JSON.stringify(spec.migrations.component)}, which does not exist`);
    else {
      const rwo = Object.keys(target.volumes ?? {}).filter((v) => (volumes[v]?.accessMode ?? 'ReadWriteOnce') === 'ReadWriteOnce');
      if (rwo.length > 0) {
        add('migrations.component', `${JSON.stringify(spec.migrations.component)} mounts the ReadWriteOnce volume ${rwo.join(', ')}, which a migration Job on another node cannot attach; run migrations at the app's start instead`);
      }
    }
  }
  const alertNames = new Set<string>();
  (spec.monitoring?.alerts ?? []).forEach((alert, i) => {
    if (alertNames.has(alert.name)) add(`monitoring.alerts[${i}].name`, `${JSON.stringify(alert.name)} is used by another alert; alert names must be unique`);
    alertNames.add(alert.name);
  });
  return problems;
}

type Add = (path: string, problem: string) => void;

function checkSecrets(spec: AppSpec, add: Add): void {
  const s = spec.secrets;
  if (s === undefined) return;
  if (s.mode === 'external' && s.store === undefined) add('secrets.store', `is required when mode is 'external': name the SecretStore or ClusterSecretStore to read from`);
  if (s.mode !== 'external' && s.store !== undefined) add('secrets.store', `is only used when mode is 'external' (mode is ${JSON.stringify(s.mode)})`);
  if (s.mode === 'sealed') {
    const sealed = s.encryptedData ?? {};
    for (const key of s.keys) if (!(key in sealed)) add(`secrets.encryptedData.${key}`, `is missing: with mode 'sealed' every key needs its kubeseal-encrypted value`);
    for (const key of Object.keys(sealed)) if (!s.keys.includes(key)) add(`secrets.encryptedData.${key}`, `is not listed in secrets.keys; add it there or remove it`);
  } else if (s.encryptedData !== undefined) {
    add('secrets.encryptedData', `is only used when mode is 'sealed' (mode is ${JSON.stringify(s.mode)})`);
  }
}

function checkProbe(probe: Probe | undefined, c: Component, at: string, add: Add): void {
  if (probe === undefined) return;
  const forms = [probe.path !== undefined, probe.command !== undefined, probe.tcp === true].filter(Boolean).length;
  if (forms !== 1) add(at, `must set exactly one of 'path' (HTTP GET), 'command' (exec) or 'tcp: true'; it sets ${forms}`);
  if ((probe.path !== undefined || probe.tcp === true) && c.port === undefined) {
    add(at, `checks the component's port but the component has no 'port'; use 'command' for a worker`);
  }
}

function checkComponent(spec: AppSpec, name: string, c: Component, at: string, add: Add): void {
  if (c.kind === 'web' && c.port === undefined) add(`${at}.port`, `is required for a web component: the port its Service sends traffic to`);
  if (c.kind === 'worker') {
    if (c.port !== undefined) add(`${at}.port`, `a worker listens on no port; make the component kind 'web' or remove 'port'`);
    if (c.metrics !== undefined) add(`${at}.metrics`, `Prometheus scrapes a Service; a worker has none (make it kind 'web')`);
  }
  const imageRule = imageProblem(c.image);
  if (imageRule !== undefined) add(`${at}.image`, `is ${JSON.stringify(c.image)}; it ${imageRule}`);
  if (c.probes?.liveness === undefined) add(`${at}.probes.liveness`, `is required: Kubernetes restarts a hung container only if it has a liveness probe`);
  if (c.probes?.readiness === undefined) add(`${at}.probes.readiness`, `is required: without it traffic and rollouts reach pods that are not ready`);
  checkProbe(c.probes?.liveness, c, `${at}.probes.liveness`, add);
  checkProbe(c.probes?.readiness, c, `${at}.probes.readiness`, add);
  checkProbe(c.probes?.startup, c, `${at}.probes.startup`, add);

  const { requests, limits } = c.resources;
  if (bytes(limits.memory) < bytes(requests.memory)) {
    add(`${at}.resources.limits.memory`, `is ${limits.memory}, below the request ${requests.memory}; a limit must be at least the request`);
  }
  if (limits.cpu !== undefined && millicores(limits.cpu) < millicores(requests.cpu)) {
    add(`${at}.resources.limits.cpu`, `is ${limits.cpu}, below the request ${requests.cpu}; a limit must be at least the request`);
  }

  const hpa = c.autoscaling;
  if (hpa !== undefined) {
    if (hpa.minReplicas > hpa.maxReplicas) {
      add(`${at}.autoscaling.minReplicas`, `is ${hpa.minReplicas} but maxReplicas is ${hpa.maxReplicas}; minReplicas must be at most maxReplicas`);
    }
    if (c.replicas !== undefined) {
      add(`${at}.replicas`, `is set together with 'autoscaling'; the HPA owns the replica count, so remove 'replicas' (set it to null in an environment override)`);
    }
  }
  const sqliteWriter = spec.database?.engine === 'sqlite' && spec.database.writer === name;
  if (c.singleton === true || sqliteWriter) {
    const why = sqliteWriter
      ? `a SQLite backend is a single writer (a second pod cannot attach its ReadWriteOnce volume, and two writers corrupt the database); set replicas: 1 and scale the frontend, or move to PostgreSQL`
      : `a singleton runs exactly one pod; remove 'singleton' to scale it`;
    // 0 is allowed: stopping the one pod is not a second writer.
    if (c.replicas !== undefined && c.replicas > 1) add(`${at}.replicas`, `is ${c.replicas} but ${why}`);
    if (hpa !== undefined) add(`${at}.autoscaling`, `cannot be set: ${why}`);
  }

  const mounts = new Map<string, string>();
  const claim = (path: string, owner: string) => {
    const other = mounts.get(path);
    if (other !== undefined) add(owner, `mounts ${path}, which ${other} already mounts; each path can be mounted once`);
    else mounts.set(path, owner);
  };
  for (const [volume, path] of Object.entries(c.volumes ?? {})) claim(path, `${at}.volumes.${volume}`);
  if (c.configFilesPath !== undefined) claim(c.configFilesPath, `${at}.configFilesPath`);
  (c.writablePaths ?? []).forEach((path, i) => claim(path, `${at}.writablePaths[${i}]`));

  const egress = new Set<string>();
  (c.egress ?? []).forEach((rule, i) => {
    const key = `${rule.protocol ?? 'TCP'}/${rule.port}`;
    if (egress.has(key)) add(`${at}.egress[${i}]`, `repeats ${key}; list each port once`);
    egress.add(key);
  });
}

function checkDatabase(spec: AppSpec, add: Add): void {
  const db = spec.database;
  if (db === undefined) return;
  const volumes = spec.storage?.volumes ?? {};
  const secretKeys: readonly string[] = spec.secrets?.keys ?? [];
  if (db.engine === 'sqlite') {
    for (const field of ['mode', 'image', 'name', 'storage', 'resources'] as const) {
      if (db[field] !== undefined) add(`database.${field}`, `applies to PostgreSQL only; SQLite lives in a file on 'database.volume'`);
    }
    if (db.volume === undefined) add('database.volume', `is required for SQLite: the volume that holds the database file`);
    if (db.file === undefined) add('database.file', `is required for SQLite: the database file's path as the writer mounts it, e.g. /app/data/app.db`);
    if (db.writer === undefined) {
      add('database.writer', `is required for SQLite: the one component that opens the database`);
      return;
    }
    const writer = spec.components[db.writer];
    if (writer === undefined) {
      add('database.writer', `refers to component ${JSON.stringify(db.writer)}, which does not exist`);
      return;
    }
    if (db.volume === undefined) return;
    if (!(db.volume in volumes)) {
      add('database.volume', `refers to volume ${JSON.stringify(db.volume)}, which storage.volumes does not define`);
      return;
    }
    if ((volumes[db.volume].accessMode ?? 'ReadWriteOnce') !== 'ReadWriteOnce') {
      add(`storage.volumes.${db.volume}.accessMode`, `is ReadWriteMany, but SQLite locking is unsafe on shared (NFS) volumes; use ReadWriteOnce`);
    }
    const mount = writer.volumes?.[db.volume];
    if (mount === undefined) add(`components.${db.writer}.volumes`, `must mount ${JSON.stringify(db.volume)}: the component is the SQLite writer`);
    else if (db.file !== undefined && !db.file.startsWith(`${mount}/`)) {
      add('database.file', `is ${db.file}, outside ${mount} where the writer mounts ${JSON.stringify(db.volume)}`);
    }
    for (const [name, c] of Object.entries(spec.components)) {
      if (name !== db.writer && c.volumes?.[db.volume] !== undefined) {
        add(`components.${name}.volumes.${db.volume}`, `opens the SQLite volume, but only the writer ${JSON.stringify(db.writer)} may: a second process on another node cannot attach it`);
      }
    }
  } else {
    for (const field of ['volume', 'file', 'writer'] as const) {
      if (db[field] !== undefined) add(`database.${field}`, `applies to SQLite only`);
    }
    if ((db.mode ?? 'in-cluster') === 'external') {
      for (const field of ['image', 'storage', 'resources'] as const) {
        if (db[field] !== undefined) add(`database.${field}`, `is not used with mode 'external' (nothing is deployed)`);
      }
      if (!secretKeys.includes('DATABASE_URL')) {
        add('secrets.keys', `must list DATABASE_URL: with an external database its URL (with credentials) comes from the secret`);
      }
    } else if (!secretKeys.includes('POSTGRES_PASSWORD')) {
      add('secrets.keys', `must list POSTGRES_PASSWORD: the in-cluster PostgreSQL and its clients read the password from the secret`);
    }
  }
  const cache = spec.cache;
  if (cache !== undefined) {
    if ((cache.mode ?? 'in-cluster') === 'external') {
      if (!secretKeys.includes('REDIS_URL')) add('secrets.keys', `must list REDIS_URL: with an external Redis its URL comes from the secret`);
    } else if (!secretKeys.includes('REDIS_PASSWORD')) {
      add('secrets.keys', `must list REDIS_PASSWORD: the in-cluster Redis requires a password`);
    }
  }
}

function checkIngress(spec: AppSpec, add: Add): void {
  const ingress = spec.ingress;
  if (ingress === undefined) return;
  const seen = new Map<string, number>();
  const limitedIngress = new Map<string, number>();
  ingress.routes.forEach((route, i) => {
    const at = `ingress.routes[${i}]`;
    const c = spec.components[route.component];
    if (c === undefined) add(`${at}.component`, `refers to component ${JSON.stringify(route.component)}, which does not exist`);
    else if (c.kind !== 'web') add(`${at}.component`, `refers to ${JSON.stringify(route.component)}, a worker with no Service; route to a web component`);
    const key = `${route.pathType ?? 'Prefix'} ${route.path}`;
    const first = seen.get(key);
    if (first !== undefined) add(`${at}.path`, `repeats ${key} of ingress.routes[${first}]; each path can be routed once`);
    else seen.set(key, i);
    if (route.rateLimit !== undefined) {
      checkRateLimit(route.rateLimit, `${at}.rateLimit`, add);
      // Each rate-limited route gets an Ingress named after its path; two paths must not share one.
      const name = names.ingressForPath(spec.name, route.path);
      const other = limitedIngress.get(name);
      if (other !== undefined) add(`${at}.path`, `gives the same Ingress name ${JSON.stringify(name)} as ingress.routes[${other}]; rate-limited paths must differ in more than punctuation`);
      else limitedIngress.set(name, i);
    }
  });
  if (ingress.rateLimit !== undefined) checkRateLimit(ingress.rateLimit, 'ingress.rateLimit', add);
}

function checkRateLimit(limit: { rps?: number; burst?: number; rpm?: number }, at: string, add: Add): void {
  if ((limit.rps === undefined) === (limit.rpm === undefined)) add(at, `must set exactly one of 'rps' or 'rpm'`);
  if (limit.burst !== undefined) {
    if (limit.rps === undefined) add(`${at}.burst`, `needs 'rps': ingress-nginx expresses burst as a multiple of the rate per second`);
    else if (limit.burst < limit.rps || limit.burst % limit.rps !== 0) {
      add(`${at}.burst`, `is ${limit.burst}, which is not a whole multiple of rps ${limit.rps}; ingress-nginx sets burst as rps times an integer`);
    }
  }
}

function checkJobs(spec: AppSpec, add: Add): void {
  const db = spec.database;
  const volumes = spec.storage?.volumes ?? {};
  const seen = new Set<string>();
  const system = { system: spec.name };
  const checkName = (name: string, at: string, full: string) => {
    if (seen.has(name)) add(at, `${JSON.stringify(name)} is used by another backup or maintenance task; names must be unique`);
    seen.add(name);
    if (full.length > CRONJOB_NAME_MAX) {
      add(at, `makes the CronJob name ${JSON.stringify(full)} ${full.length} characters long; Kubernetes allows ${CRONJOB_NAME_MAX}: shorten the task or system name`);
    }
  };
  (spec.backups ?? []).forEach((b, i) => {
    const at = `backups[${i}]`;
    checkName(b.name, `${at}.name`, names.backupJob(system, b.name));
    const problem = cronProblem(b.schedule);
    if (problem) add(`${at}.schedule`, `${JSON.stringify(b.schedule)} is not a valid cron schedule: ${problem}`);
    if (b.kind === 'sqlite' && db?.engine !== 'sqlite') add(`${at}.kind`, `is 'sqlite' but the database engine is ${db?.engine ?? '(none)'}`);
    if (b.kind === 'postgres' && db?.engine !== 'postgres') add(`${at}.kind`, `is 'postgres' but the database engine is ${db?.engine ?? '(none)'}`);
    if (b.kind === 'volume') {
      if (b.volume === undefined) add(`${at}.volume`, `is required for kind 'volume': the volume to archive`);
      else if (!(b.volume in volumes)) add(`${at}.volume`, `refers to volume ${JSON.stringify(b.volume)}, which storage.volumes does not define`);
      else if (db?.engine === 'sqlite' && db.volume === b.volume) add(`${at}.volume`, `holds the live SQLite database; copying its files can capture a torn write: use kind 'sqlite' (online backup API)`);
    } else if (b.volume !== undefined) add(`${at}.volume`, `is only used with kind 'volume'`);
  });
  (spec.maintenance ?? []).forEach((t, i) => {
    const at = `maintenance[${i}]`;
    checkName(t.name, `${at}.name`, names.maintenanceJob(system, t.name));
    const problem = cronProblem(t.schedule);
    if (problem) add(`${at}.schedule`, `${JSON.stringify(t.schedule)} is not a valid cron schedule: ${problem}`);
    if (t.task.startsWith('sqlite-') && db?.engine !== 'sqlite') add(`${at}.task`, `is ${t.task} but the database engine is ${db?.engine ?? '(none)'}`);
  });
}
