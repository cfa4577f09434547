/**
 * Every seed system deploys from its spec alone, in dev, staging and production: the facts
 * each seed asks for (ports, probes, workers, database placement, backups, monitoring,
 * per-environment config, rate limits) are pinned here against the synthesized manifests.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { loadSpecs } from '../src/spec/load';
import { buildTree, Tree } from '../src/synth/build';
import { EPHEMERAL_STORAGE } from '../charts/pod';

const ROOT = join(__dirname, '..');
const PLATFORM = join(ROOT, 'platform.yaml');
const ENVS = ['dev', 'staging', 'production'] as const;

// Manifests are plain parsed YAML: their shape is checked by the assertions themselves.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const { tree } = buildTree(loadSpecs(join(ROOT, 'apps'), PLATFORM), PLATFORM);

/** The objects of one system in one environment, parsed from dist/<env>/<system>/*.yaml. */
function objects(t: Tree, env: string, system: string): Obj[] {
  const prefix = `${env}/${system}/`;
  return [...t.entries()]
    .filter(([path]) => path.startsWith(prefix) && path.endsWith('.yaml') && !path.slice(prefix.length).includes('/'))
    .map(([, text]) => load(text) as Obj);
}

function find(objs: Obj[], kind: string, name: string): Obj {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind}/${name} among ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

function has(objs: Obj[], kind: string, name: string): boolean {
  return objs.some((o) => o.kind === kind && o.metadata.name === name);
}

function container(objs: Obj[], deployment: string): Obj {
  return find(objs, 'Deployment', deployment).spec.template.spec.containers[0];
}

function cronScript(objs: Obj[], name: string): string {
  return find(objs, 'CronJob', name).spec.jobTemplate.spec.template.spec.containers[0].command.join(' ');
}

/** Value of an env var set literally on a container, or undefined. */
function envValue(c: Obj, name: string): string | undefined {
  return (c.env ?? []).find((e: Obj) => e.name === name)?.value;
}

function secretKeyRef(c: Obj, name: string): Obj {
  return (c.env ?? []).find((e: Obj) => e.name === name)?.valueFrom?.secretKeyRef;
}

const NGINX = 'nginx.ingress.kubernetes.io';

describe.each(ENVS)('magnetiq-full in %s', (env) => {
  const objs = objects(tree, env, 'magnetiq-full');
  const production = env === 'production';

  test('the backend runs Gunicorn with 4 Uvicorn workers on port 3036 behind a Service on 3036', () => {
    const c = container(objs, 'magnetiq-full-backend');
    expect(c.command).toEqual(['gunicorn']);
    expect(c.args).toEqual(['main:app', '-w', '4', '-k', 'uvicorn.workers.UvicornWorker', '--bind', '0.0.0.0:3036', '--access-logfile', '-']);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3036, protocol: 'TCP' }]);
    expect(find(objs, 'Service', 'magnetiq-full-backend').spec.ports).toEqual([{ name: 'http', port: 3036, protocol: 'TCP', targetPort: 'http' }]);
  });

  test('the backend is live on /health and ready on /health/detailed', () => {
    const c = container(objs, 'magnetiq-full-backend');
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health/detailed', port: 'http' });
  });

  test('Prometheus scrapes the backend on /metrics', () => {
    const monitor = find(objs, 'ServiceMonitor', 'magnetiq-full-backend');
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
  });

  test('the nginx frontend serves unprivileged on port 8080', () => {
    const c = container(objs, 'magnetiq-full-frontend');
    expect(c.ports[0].containerPort).toBe(8080);
    expect(find(objs, 'Service', 'magnetiq-full-frontend').spec.ports[0].port).toBe(8080);
    expect(c.securityContext.runAsNonRoot).toBe(true);
  });

  test('the Celery worker runs with concurrency 4, pings itself in its probes and drains before it stops', () => {
    const d = find(objs, 'Deployment', 'magnetiq-full-worker');
    const c = d.spec.template.spec.containers[0];
    expect([...c.command, ...c.args]).toEqual(['celery', '-A', 'main.celery_app', 'worker', '--loglevel=info', '--concurrency=4']);
    expect(c.ports).toBeUndefined();
    expect(c.livenessProbe.exec.command.join(' ')).toContain('celery -A main.celery_app inspect ping');
    expect(c.readinessProbe.exec.command.join(' ')).toContain('inspect ping');
    expect(c.lifecycle.preStop.exec.command.join(' ')).toMatch(/sleep \d+/);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(300);
    expect(has(objs, 'Service', 'magnetiq-full-worker')).toBe(false);
  });

  test('Celery beat is a singleton: one replica, Recreate, never autoscaled', () => {
    const d = find(objs, 'Deployment', 'magnetiq-full-beat');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.containers[0].args).toContain('beat');
    expect(has(objs, 'HorizontalPodAutoscaler', 'magnetiq-full-beat')).toBe(false);
    expect(has(objs, 'Service', 'magnetiq-full-beat')).toBe(false);
  });

  test('the worker is autoscaled in production only, and then its Deployment leaves replicas to the HPA', () => {
    const d = find(objs, 'Deployment', 'magnetiq-full-worker');
    expect(has(objs, 'HorizontalPodAutoscaler', 'magnetiq-full-worker')).toBe(production);
    if (production) expect(d.spec.replicas).toBeUndefined();
    else expect(d.spec.replicas).toBeGreaterThanOrEqual(1);
  });

  test(`PostgreSQL and Redis are ${production ? 'managed services reached through secret URLs' : 'in-cluster StatefulSets'}`, () => {
    const c = container(objs, 'magnetiq-full-backend');
    expect(has(objs, 'StatefulSet', 'magnetiq-full-postgres')).toBe(!production);
    expect(has(objs, 'StatefulSet', 'magnetiq-full-redis')).toBe(!production);
    const keys = find(objs, 'ExternalSecret', 'magnetiq-full-secrets').spec.data.map((d: Obj) => d.secretKey);
    expect(keys).toEqual(expect.arrayContaining(['SECRET_KEY', 'SMTP_PASSWORD', 'ODOO_API_KEY', 'GOOGLE_CALENDAR_CLIENT_SECRET', 'SENTRY_DSN']));
    if (production) {
      expect(keys).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
      expect(keys).not.toContain('POSTGRES_PASSWORD');
      expect(secretKeyRef(c, 'DATABASE_URL')).toEqual({ name: 'magnetiq-full-secrets', key: 'DATABASE_URL' });
      expect(secretKeyRef(c, 'REDIS_URL')).toEqual({ name: 'magnetiq-full-secrets', key: 'REDIS_URL' });
    } else {
      expect(keys).toEqual(expect.arrayContaining(['POSTGRES_PASSWORD', 'REDIS_PASSWORD']));
      expect(keys).not.toContain('DATABASE_URL');
      expect(envValue(c, 'DATABASE_URL')).toBe('postgresql://magnetiq:$(POSTGRES_PASSWORD)@magnetiq-full-postgres:5432/magnetiq');
      expect(envValue(c, 'REDIS_URL')).toBe('redis://:$(REDIS_PASSWORD)@magnetiq-full-redis:6379/0');
    }
  });

  test('the ingress limits /api to 10 r/s burst 20 and /api/v1/auth to 1 r/s burst 5, and accepts 50 MB bodies', () => {
    const api = find(objs, 'Ingress', 'magnetiq-full-api');
    const auth = find(objs, 'Ingress', 'magnetiq-full-api-v1-auth');
    expect(api.metadata.annotations[`${NGINX}/limit-rps`]).toBe('10');
    expect(api.metadata.annotations[`${NGINX}/limit-burst-multiplier`]).toBe('2');
    expect(api.spec.rules[0].http.paths.map((p: Obj) => p.path)).toEqual(['/api']);
    expect(auth.metadata.annotations[`${NGINX}/limit-rps`]).toBe('1');
    expect(auth.metadata.annotations[`${NGINX}/limit-burst-multiplier`]).toBe('5');
    expect(auth.spec.rules[0].http.paths.map((p: Obj) => p.path)).toEqual(['/api/v1/auth']);
    for (const ingress of [api, auth, find(objs, 'Ingress', 'magnetiq-full')]) {
      expect(ingress.metadata.annotations[`${NGINX}/proxy-body-size`]).toBe('50m');
      expect(ingress.metadata.annotations[`${NGINX}/rewrite-target`]).toBeUndefined();
    }
  });

  test('a daily pg_dump and a media archive are each kept 30 days', () => {
    expect(find(objs, 'CronJob', 'magnetiq-full-backup-db').spec.schedule).toBe('0 2 * * *');
    const days = env === 'dev' ? 7 : 30;
    const db = cronScript(objs, 'magnetiq-full-backup-db');
    expect(db).toContain('pg_dump');
    expect(db).toContain(`-mtime +${days}`);
    const media = find(objs, 'CronJob', 'magnetiq-full-backup-media');
    const mediaPvc = media.spec.jobTemplate.spec.template.spec.volumes.find((v: Obj) => v.name === 'source');
    expect(mediaPvc.persistentVolumeClaim.claimName).toBe('magnetiq-full-media');
    expect(cronScript(objs, 'magnetiq-full-backup-media')).toContain('tar -czf');
    expect(cronScript(objs, 'magnetiq-full-backup-media')).toContain(`-mtime +${days}`);
  });

  test('migrations run as an Argo CD hook Job that is recreated on every sync', () => {
    const job = find(objs, 'Job', 'magnetiq-full-migrate');
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
    expect(job.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
    expect(job.spec.template.spec.containers[0].command).toEqual(['alembic', 'upgrade', 'head']);
  });

  test('the ConfigMap carries the seed settings of this environment', () => {
    const data = find(objs, 'ConfigMap', 'magnetiq-full-config').data;
    expect(data).toMatchObject({ APP_NAME: 'Magnetiq v2', DB_POOL_SIZE: '10', SMTP_HOST: 'smtp-relay.brevo.com', ODOO_URL: 'https://odoo.voltaic.systems', UPLOAD_MAX_SIZE: '52428800' });
    expect(data.ENVIRONMENT).toBe({ dev: 'development', staging: 'staging', production: 'production' }[env]);
    expect(data.LOG_LEVEL).toBe(env === 'dev' ? 'DEBUG' : 'INFO');
    expect(data.SECRET_KEY).toBeUndefined();
  });
});

describe.each(ENVS)('magnetiq-simple in %s', (env) => {
  const objs = objects(tree, env, 'magnetiq-simple');

  test('the backend serves on 3036 and the frontend on 8036, on containers and Services alike', () => {
    expect(container(objs, 'magnetiq-simple-backend').ports[0].containerPort).toBe(3036);
    expect(find(objs, 'Service', 'magnetiq-simple-backend').spec.ports[0].port).toBe(3036);
    expect(container(objs, 'magnetiq-simple-frontend').ports[0].containerPort).toBe(8036);
    expect(find(objs, 'Service', 'magnetiq-simple-frontend').spec.ports[0].port).toBe(8036);
  });

  test('the backend is the single SQLite writer: one replica, Recreate, no HPA, the data volume mounted', () => {
    const d = find(objs, 'Deployment', 'magnetiq-simple-backend');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(has(objs, 'HorizontalPodAutoscaler', 'magnetiq-simple-backend')).toBe(false);
    expect(d.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/app/data' });
    expect(find(objs, 'ConfigMap', 'magnetiq-simple-config').data.DATABASE_URL).toBe('sqlite+aiosqlite:////app/data/magnetiq.db');
  });

  test('the frontend scales instead, with an HPA in production', () => {
    expect(has(objs, 'HorizontalPodAutoscaler', 'magnetiq-simple-frontend')).toBe(env === 'production');
  });

  test('the ingress redirects to HTTPS, sends HSTS and security headers, and rate-limits clients', () => {
    const ingress = find(objs, 'Ingress', 'magnetiq-simple');
    const a = ingress.metadata.annotations;
    expect(a[`${NGINX}/force-ssl-redirect`]).toBe('true');
    expect(a[`${NGINX}/limit-rps`]).toBe('10');
    expect(a[`${NGINX}/limit-burst-multiplier`]).toBe('5');
    expect(a[`${NGINX}/custom-headers`]).toBe(`magnetiq-simple-${env}/magnetiq-simple-response-headers`);
    const headers = find(objs, 'ConfigMap', 'magnetiq-simple-response-headers').data;
    expect(headers['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
    expect(headers['X-Frame-Options']).toBe('DENY');
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
  });

  test('the database is backed up daily and kept 7 days with the online backup API', () => {
    const cron = find(objs, 'CronJob', 'magnetiq-simple-backup-db');
    expect(cron.spec.schedule).toBe('0 2 * * *');
    const command = cron.spec.jobTemplate.spec.template.spec.containers[0].command;
    expect(command.slice(-4)).toEqual(['backup', '/app/data/magnetiq.db', '/backup', '7']);
    expect(command.join(' ')).toContain('src.backup(dst)');
  });

  test('VACUUM runs weekly and PRAGMA integrity_check daily, next to the writer', () => {
    const vacuum = find(objs, 'CronJob', 'magnetiq-simple-vacuum');
    expect(vacuum.spec.schedule).toBe('0 4 * * 0');
    expect(vacuum.spec.jobTemplate.spec.template.spec.containers[0].command.slice(-2)).toEqual(['vacuum', '/app/data/magnetiq.db']);
    const check = find(objs, 'CronJob', 'magnetiq-simple-integrity-check');
    expect(check.spec.schedule).toBe('0 5 * * *');
    expect(check.spec.jobTemplate.spec.template.spec.containers[0].command.slice(-2)).toEqual(['integrity-check', '/app/data/magnetiq.db']);
    const affinity = check.spec.jobTemplate.spec.template.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    expect(affinity.labelSelector.matchLabels['app.kubernetes.io/name']).toBe('magnetiq-simple-backend');
  });

  test('secrets are a SealedSecret holding one encrypted value per key and no plain Secret', () => {
    const sealed = find(objs, 'SealedSecret', 'magnetiq-simple-secrets');
    expect(Object.keys(sealed.spec.encryptedData).sort()).toEqual(['SECRET_KEY', 'SMTP_PASSWORD', 'SMTP_USERNAME']);
    expect(objs.some((o) => o.kind === 'Secret')).toBe(false);
  });
});

describe.each(ENVS)('tequipy in %s', (env) => {
  const objs = objects(tree, env, 'tequipy');
  const production = env === 'production';

  test('the backend serves on 8000 and the frontend on 3000, on containers and Services alike', () => {
    expect(container(objs, 'tequipy-backend').ports[0].containerPort).toBe(8000);
    expect(find(objs, 'Service', 'tequipy-backend').spec.ports[0].port).toBe(8000);
    expect(container(objs, 'tequipy-frontend').ports[0].containerPort).toBe(3000);
    expect(find(objs, 'Service', 'tequipy-frontend').spec.ports[0].port).toBe(3000);
  });

  test('the backend is live on /api/v1/health and ready on /api/v1/readiness', () => {
    const c = container(objs, 'tequipy-backend');
    expect(c.livenessProbe.httpGet.path).toBe('/api/v1/health');
    expect(c.readinessProbe.httpGet.path).toBe('/api/v1/readiness');
  });

  test('every workload gets the resources of the seed table, requests equal to limits', () => {
    const table: Record<string, [string, string]> = {
      'tequipy-frontend': ['500m', '512Mi'],
      'tequipy-backend': ['1', '1Gi'],
      'tequipy-worker': ['500m', '512Mi'],
      'tequipy-beat': ['250m', '256Mi'],
    };
    for (const [name, [cpu, memory]] of Object.entries(table)) {
      expect(container(objs, name).resources).toEqual({
        requests: { cpu, memory, 'ephemeral-storage': EPHEMERAL_STORAGE.request },
        limits: { cpu, memory, 'ephemeral-storage': EPHEMERAL_STORAGE.limit },
      });
    }
    if (env === 'staging') {
      const pg = find(objs, 'StatefulSet', 'tequipy-postgres').spec.template.spec.containers[0];
      const eph = (r: object, which: 'request' | 'limit') => ({ ...r, 'ephemeral-storage': EPHEMERAL_STORAGE[which] });
      expect(pg.resources).toEqual({ requests: eph({ cpu: '2', memory: '4Gi' }, 'request'), limits: eph({ cpu: '2', memory: '4Gi' }, 'limit') });
      const redis = find(objs, 'StatefulSet', 'tequipy-redis').spec.template.spec.containers[0];
      expect(redis.resources).toEqual({ requests: eph({ cpu: '500m', memory: '512Mi' }, 'request'), limits: eph({ cpu: '500m', memory: '512Mi' }, 'limit') });
    }
  });

  test(`frontend, backend and worker ${env === 'dev' ? 'run one fixed replica' : 'scale on CPU 70% with HPAs that own the replica count'}`, () => {
    for (const name of ['tequipy-frontend', 'tequipy-backend', 'tequipy-worker']) {
      const d = find(objs, 'Deployment', name);
      if (env === 'dev') {
        expect(d.spec.replicas).toBe(1);
        expect(has(objs, 'HorizontalPodAutoscaler', name)).toBe(false);
      } else {
        const hpa = find(objs, 'HorizontalPodAutoscaler', name);
        expect(d.spec.replicas).toBeUndefined();
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
        expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } });
      }
    }
  });

  test('Celery beat is a singleton: one replica, Recreate, never autoscaled', () => {
    const d = find(objs, 'Deployment', 'tequipy-beat');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(has(objs, 'HorizontalPodAutoscaler', 'tequipy-beat')).toBe(false);
  });

  test('migrations run with uv and Alembic as an Argo CD hook before the workloads roll', () => {
    const job = find(objs, 'Job', 'tequipy-migrate');
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
    expect(job.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
    expect(Number(job.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(
      Number(find(objs, 'Deployment', 'tequipy-backend').metadata.annotations['argocd.argoproj.io/sync-wave']),
    );
    const c = job.spec.template.spec.containers[0];
    expect(c.command).toEqual(['uv', 'run', 'alembic', 'upgrade', 'head']);
    expect(c.image).toBe(container(objs, 'tequipy-backend').image);
  });

  test(`PostgreSQL and Redis are ${production ? 'managed: no StatefulSet, URLs from the secret' : 'in-cluster StatefulSets'}`, () => {
    expect(has(objs, 'StatefulSet', 'tequipy-postgres')).toBe(!production);
    expect(has(objs, 'StatefulSet', 'tequipy-redis')).toBe(!production);
    const c = container(objs, 'tequipy-worker');
    if (production) expect(secretKeyRef(c, 'DATABASE_URL')).toEqual({ name: 'tequipy-secrets', key: 'DATABASE_URL' });
    else expect(envValue(c, 'DATABASE_URL')).toContain('@tequipy-postgres:5432/tequipy');
  });

  test('a pg_dump runs nightly at 02:00', () => {
    expect(find(objs, 'CronJob', 'tequipy-backup-db').spec.schedule).toBe('0 2 * * *');
    expect(cronScript(objs, 'tequipy-backup-db')).toContain('pg_dump');
  });

  test('Prometheus scrapes the backend and alerts on instance down, 5xx ratio and p95 latency', () => {
    expect(find(objs, 'ServiceMonitor', 'tequipy-backend').spec.endpoints[0].path).toBe('/metrics');
    const rules = find(objs, 'PrometheusRule', 'tequipy').spec.groups[0].rules;
    const byName = Object.fromEntries(rules.map((r: Obj) => [r.alert, r]));
    expect(Object.keys(byName)).toEqual(['BackendInstanceDown', 'BackendHighErrorRate', 'BackendHighLatencyP95']);
    expect(byName.BackendInstanceDown).toMatchObject({ expr: 'up{job="tequipy-backend"} == 0', for: '1m', labels: { severity: 'critical' } });
    const errors = byName.BackendHighErrorRate;
    expect(errors).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
    expect(errors.expr).toMatch(/http_requests_total\{[^}]*job="tequipy-backend"[^}]*status=~"5\.\."[^}]*\}\[5m\]\)\)\s*\/\s*sum\(rate\(http_requests_total\{job="tequipy-backend"\}\[5m\]\)\) > 0\.05$/);
    const latency = byName.BackendHighLatencyP95;
    expect(latency).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
    expect(latency.expr).toMatch(/^histogram_quantile\(0\.95, .*http_request_duration_seconds_bucket\{job="tequipy-backend"\}.*\) > 0\.75$/);
    for (const rule of rules) expect(rule.labels.namespace).toBe(`tequipy-${env}`);
  });

  test('the Grafana dashboard shows requests by status, p50/p95 latency, backend CPU and memory', () => {
    const cm = find(objs, 'ConfigMap', 'tequipy-dashboard');
    expect(cm.metadata.labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data[`tequipy-${env}.json`]);
    expect(dashboard.panels.map((p: Obj) => p.title)).toEqual(['Requests per second by status', 'Latency p50 / p95', 'Backend CPU %', 'Backend memory']);
    const latency = dashboard.panels[1].targets.map((t: Obj) => t.expr);
    expect(latency[0]).toContain('histogram_quantile(0.50');
    expect(latency[1]).toContain('histogram_quantile(0.95');
    expect(dashboard.panels[0].targets[0].expr).toContain('sum by (status)');
  });
});

describe.each(ENVS)('memo-ai-coach in %s', (env) => {
  const objs = objects(tree, env, 'memo-ai-coach');
  const dbFile = { dev: 'memoai_dev.db', staging: 'memoai_staging.db', production: 'memoai_prod.db' }[env];

  test('the backend serves on 8000 and the frontend on 3000, on containers and Services alike', () => {
    expect(container(objs, 'memo-ai-coach-backend').ports[0].containerPort).toBe(8000);
    expect(find(objs, 'Service', 'memo-ai-coach-backend').spec.ports[0].port).toBe(8000);
    expect(container(objs, 'memo-ai-coach-frontend').ports[0].containerPort).toBe(3000);
    expect(find(objs, 'Service', 'memo-ai-coach-frontend').spec.ports[0].port).toBe(3000);
    expect(envValue(container(objs, 'memo-ai-coach-frontend'), 'BACKEND_URL')).toBe('http://memo-ai-coach-backend:8000');
  });

  test('auth, debug, log level, database and cookie settings follow the environment table of the seed', () => {
    const data = find(objs, 'ConfigMap', 'memo-ai-coach-config').data;
    const expected = {
      dev: { AUTH_ENABLED: 'false', DEBUG_MODE: 'true', LOG_LEVEL: 'DEBUG', HTTPS_ONLY: 'false', SECURE_COOKIES: 'false' },
      staging: { AUTH_ENABLED: 'true', DEBUG_MODE: 'false', LOG_LEVEL: 'INFO', HTTPS_ONLY: 'false', SECURE_COOKIES: 'false' },
      production: { AUTH_ENABLED: 'true', DEBUG_MODE: 'false', LOG_LEVEL: 'WARNING', HTTPS_ONLY: 'true', SECURE_COOKIES: 'true' },
    }[env];
    expect(data).toMatchObject({ ...expected, DATABASE_URL: `sqlite:///data/${dbFile}`, RATE_LIMIT_PER_MINUTE: '60', LLM_PROVIDER: 'claude' });
    expect(data.JWT_SECRET_KEY).toBeUndefined();
    expect(data.CLAUDE_API_KEY).toBeUndefined();
  });

  test("the SQLite file of the environment lies on the writer's data volume and is what the backup copies", () => {
    const d = find(objs, 'Deployment', 'memo-ai-coach-backend');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    const mount = d.spec.template.spec.containers[0].volumeMounts.find((m: Obj) => m.name === 'data');
    const file = `/app/data/${dbFile}`;
    expect(file.startsWith(`${mount.mountPath}/`)).toBe(true);
    const command = find(objs, 'CronJob', 'memo-ai-coach-backup-db').spec.jobTemplate.spec.template.spec.containers[0].command;
    expect(command).toContain(file);
  });

  test('auth.yaml is published as a ConfigMap and mounted read-only into the backend', () => {
    const files = find(objs, 'ConfigMap', 'memo-ai-coach-files');
    expect(files.data['auth.yaml']).toContain('secret_key: ${JWT_SECRET_KEY}');
    const spec = find(objs, 'Deployment', 'memo-ai-coach-backend').spec.template.spec;
    const mount = spec.containers[0].volumeMounts.find((m: Obj) => m.mountPath === '/app/config');
    expect(mount.readOnly).toBe(true);
    expect(spec.volumes.find((v: Obj) => v.name === mount.name).configMap.name).toBe('memo-ai-coach-files');
  });

  test('JWT and Claude keys come from the bootstrap-created Secret by reference, never from git', () => {
    const c = container(objs, 'memo-ai-coach-backend');
    expect(c.envFrom).toContainEqual({ secretRef: { name: 'memo-ai-coach-secrets' } });
    expect(objs.some((o) => ['Secret', 'SealedSecret', 'ExternalSecret'].includes(o.kind))).toBe(false);
  });

  test('the ingress limits each client to 60 requests per minute over HTTPS', () => {
    const a = find(objs, 'Ingress', 'memo-ai-coach').metadata.annotations;
    expect(a[`${NGINX}/limit-rpm`]).toBe('60');
    expect(a[`${NGINX}/force-ssl-redirect`]).toBe('true');
  });

  test('the backend may reach the LLM API on port 443 and nothing else outside the cluster', () => {
    const policy = find(objs, 'NetworkPolicy', 'memo-ai-coach-backend');
    const external = policy.spec.egress.filter((r: Obj) => r.to.some((p: Obj) => p.ipBlock !== undefined));
    expect(external).toHaveLength(1);
    expect(external[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });
});

describe('the seed systems together', () => {
  test('every seed system deploys to dev, staging and production', () => {
    for (const env of ENVS) {
      for (const system of ['magnetiq', 'magnetiq-full', 'magnetiq-simple', 'tequipy', 'memo-ai-coach']) {
        expect(objects(tree, env, system).some((o) => o.kind === 'Deployment')).toBe(true);
        expect(tree.has(`${env}/apps/application-${system}-${env}.yaml`)).toBe(true);
      }
    }
  });

  test('the specs use all three secrets modes', () => {
    const production = (system: string) => objects(tree, 'production', system).map((o) => o.kind);
    expect(production('magnetiq-full')).toContain('ExternalSecret');
    expect(production('magnetiq-simple')).toContain('SealedSecret');
    expect(production('memo-ai-coach').filter((kind) => /Secret$/.test(kind))).toEqual([]);
  });

  test('no image is unpinned or pulled on every start', () => {
    for (const [path, text] of tree) {
      if (!path.endsWith('.yaml')) continue;
      for (const m of text.matchAll(/^\s*image: (\S+)$/gm)) expect(`${path}: ${m[1]}`).not.toMatch(/:latest$|^[^:]*$/);
      expect(text).not.toContain('imagePullPolicy: Always');
    }
  });
});

describe('a new system', () => {
  test('a sixth system of the same kinds deploys from a new YAML file only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'systems-test-'));
    try {
      writeFileSync(
        join(dir, 'acme-shop.yaml'),
        [
          'name: acme-shop',
          'config: { LOG_LEVEL: INFO }',
          'secrets: { mode: bootstrap, keys: [SECRET_KEY, POSTGRES_PASSWORD, REDIS_PASSWORD] }',
          'database: { engine: postgres }',
          'cache: { engine: redis }',
          'components:',
          '  api:',
          '    kind: web',
          '    image: registry.example.com/acme-api:v1.0.0',
          '    port: 8080',
          '    secrets: all',
          '    connectsTo: [database, cache]',
          '    resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }',
          '    probes: { liveness: { path: /healthz }, readiness: { path: /ready } }',
          '  web:',
          '    kind: web',
          '    image: registry.example.com/acme-web:v1.0.0',
          '    port: 3000',
          '    connectsTo: [api]',
          '    resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 128Mi } }',
          '    probes: { liveness: { path: / }, readiness: { path: / } }',
          '  jobs:',
          '    kind: worker',
          '    image: registry.example.com/acme-api:v1.0.0',
          '    command: [celery, -A, acme, worker]',
          '    connectsTo: [database, cache]',
          '    resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { memory: 256Mi } }',
          '    probes: { liveness: { command: [celery, -A, acme, inspect, ping] }, readiness: { command: [celery, -A, acme, inspect, ping] } }',
          'ingress:',
          '  host: shop.acme.example.com',
          '  routes: [{ path: /api, component: api }, { path: /, component: web }]',
          'environments: { dev: {}, staging: {}, production: {} }',
          '',
        ].join('\n'),
      );
      const { tree: sixth } = buildTree(loadSpecs(dir, PLATFORM), PLATFORM);
      for (const env of ENVS) {
        const objs = objects(sixth, env, 'acme-shop');
        for (const name of ['acme-shop-api', 'acme-shop-web', 'acme-shop-jobs']) expect(has(objs, 'Deployment', name)).toBe(true);
        expect(has(objs, 'Service', 'acme-shop-api')).toBe(true);
        expect(has(objs, 'Service', 'acme-shop-web')).toBe(true);
        expect(has(objs, 'Service', 'acme-shop-jobs')).toBe(false);
        expect(has(objs, 'StatefulSet', 'acme-shop-postgres')).toBe(true);
        expect(find(objs, 'Ingress', 'acme-shop').spec.rules[0].host).toBe('shop.acme.example.com');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const chartsDir = join(ROOT, 'charts');
    for (const file of readdirSync(chartsDir).filter((f) => f.endsWith('.ts'))) {
      // "memo" alone would match "memory": look for the system names as written.
      expect(`${file}: ${readFileSync(join(chartsDir, file), 'utf8')}`).not.toMatch(/magnetiq|tequipy|memo-ai|memoai/i);
    }
  });
});
