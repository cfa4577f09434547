import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { environmentsBlock, renderTemplate } from '../src/cli/new-app-command';
import { SpecError } from '../src/spec/errors';
import { loadPlatform, loadSpecs, loadSystem } from '../src/spec/load';
import { buildTree } from '../src/synth/build';
import { synthesizeSystem } from '../src/synth/pair-builder';
import { systemPage } from '../src/synth/pages';

const REPO = join(__dirname, '..');
const platform = loadPlatform(join(REPO, 'platform.yaml'));

function page(specFile: string, env: string): { text: string; manifests: ReturnType<typeof synthesizeSystem>['manifests'] } {
  const errors: SpecError[] = [];
  const s = synthesizeSystem(loadSystem(specFile, platform), env, platform, errors);
  expect(errors).toEqual([]);
  return { text: systemPage(s, 'apps/x.yaml'), manifests: s.manifests };
}

/** The rows of the workloads table, keyed by workload name. */
function workloadRows(text: string): Map<string, string[]> {
  const section = text.split('## Workloads')[1].split('\n## ')[0];
  const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Workload') && !l.startsWith('| ---'));
  return new Map(rows.map((r) => {
    const cells = r.slice(2, -2).split(' | ');
    return [cells[0], cells];
  }));
}

describe('system page (magnetiq in production)', () => {
  const { text, manifests } = page(join(REPO, 'apps/magnetiq.yaml'), 'production');

  test('has a Mermaid flowchart from the Ingress through Services and Deployments to the volumes', () => {
    expect(text).toMatch(/```mermaid\nflowchart LR\n[\s\S]*?\n```\n/);
    expect(text).toContain('ing_magnetiq -->|"/api /docs /redoc /openapi.json /health"| svc_magnetiq_backend');
    expect(text).toContain('svc_magnetiq_backend --> deploy_magnetiq_backend');
    expect(text).toContain('svc_magnetiq_frontend --> deploy_magnetiq_frontend');
    expect(text).toContain('deploy_magnetiq_backend --> pvc_magnetiq_data');
    expect(text).toContain('cronjob_magnetiq_backup_db --> pvc_magnetiq_backup_db');
    expect(text).toContain('deploy_magnetiq_frontend -.->|calls| svc_magnetiq_backend');
  });

  test('has a table row for each Deployment and CronJob, with image, replicas, requests and limits', () => {
    const rows = workloadRows(text);
    const workloads = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'CronJob').map((m) => m.metadata.name).sort();
    expect([...rows.keys()].sort()).toEqual(workloads);
    expect(rows.get('magnetiq-backend')).toEqual([
      'magnetiq-backend', 'Deployment', 'web', '`registry.voltaic.systems/magnetiq-backend:v2.0.0`', '1',
      'cpu 250m, memory 512Mi', 'cpu 500m, memory 1Gi', '—',
    ]);
    // The HPA owns the frontend's replicas in production: the page shows its range.
    expect(rows.get('magnetiq-frontend')![4]).toBe('3–10 (HPA, CPU 80%)');
    expect(rows.get('magnetiq-backup-db')![7]).toBe('`30 2 * * *`');
  });

  test('lists volumes with the workloads that mount them, and the routes', () => {
    expect(text).toContain('| magnetiq-data | 10Gi | ReadWriteOnce | longhorn-ssd | magnetiq-backend, magnetiq-backup-db |');
    expect(text).toContain('| magnetiq.voltaic.systems/openapi.json | Exact | magnetiq-backend:4036 |');
  });

  test('is the same text on every run (no timestamps, stable order)', () => {
    expect(page(join(REPO, 'apps/magnetiq.yaml'), 'production').text).toBe(text);
    expect(text).toMatchSnapshot();
  });
});

describe('system page with a worker, PostgreSQL, Redis, a migration and a backup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const doc = parseDocument(renderTemplate(readFileSync(join(REPO, 'templates/app.yaml'), 'utf8'), { name: 'shop', environments: environmentsBlock('shop', ['dev', 'production']) }));
  doc.set('secrets', { mode: 'external', store: { kind: 'ClusterSecretStore', name: 'vault' }, keys: ['SECRET_KEY', 'POSTGRES_PASSWORD', 'REDIS_PASSWORD'] });
  doc.set('database', { engine: 'postgres', mode: 'in-cluster', name: 'shop', image: 'postgres:16.4-alpine', storage: '5Gi', resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } } });
  doc.set('cache', { engine: 'redis', mode: 'in-cluster', image: 'redis:7.4.1-alpine', storage: '1Gi', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } });
  doc.setIn(['components', 'worker'], {
    kind: 'worker',
    image: 'registry.example.com/shop-backend:v0.1.0',
    command: ['celery', 'worker'],
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    probes: { liveness: { command: ['celery', 'inspect', 'ping'] }, readiness: { command: ['celery', 'inspect', 'ping'] } },
    connectsTo: ['database', 'cache'],
  });
  doc.set('backups', [{ name: 'db', kind: 'postgres', schedule: '0 2 * * *', retentionDays: 7, size: '5Gi' }]);
  doc.set('migrations', { component: 'backend', command: ['alembic', 'upgrade', 'head'] });
  doc.setIn(['environments', 'production'], { database: { mode: 'external', name: null, image: null, storage: null, resources: null }, secrets: { keys: ['SECRET_KEY', 'DATABASE_URL', 'REDIS_PASSWORD'] } });
  const file = join(dir, 'shop.yaml');
  writeFileSync(file, doc.toString());
  const { text, manifests } = page(file, 'dev');
  const rows = workloadRows(text);

  test('shows the database and cache as StatefulSets the components call, and the worker as a worker', () => {
    expect(text).toContain('svc_shop_postgres --> sts_shop_postgres');
    expect(text).toContain('deploy_shop_worker -.->|calls| svc_shop_postgres');
    expect(text).toContain('deploy_shop_worker -.->|calls| svc_shop_redis');
    expect(rows.get('shop-postgres')!.slice(1, 3)).toEqual(['StatefulSet', 'database']);
    expect(rows.get('shop-redis')!.slice(1, 3)).toEqual(['StatefulSet', 'cache']);
    expect(rows.get('shop-worker')!.slice(1, 3)).toEqual(['Deployment', 'worker']);
  });

  test('shows a managed database outside the cluster as an external node', () => {
    const production = page(file, 'production').text;
    expect(production).toContain('external_database[("external database<br/>outside the cluster")]');
    expect(production).toContain('deploy_shop_worker -.->|calls| external_database');
    expect(production).toContain('deploy_shop_worker -.->|calls| svc_shop_redis');
    expect(text).not.toContain('external_');
  });

  test('has a row for every Deployment, StatefulSet, CronJob and Job', () => {
    const kinds = ['Deployment', 'StatefulSet', 'CronJob', 'Job'];
    expect([...rows.keys()].sort()).toEqual(manifests.filter((m) => kinds.includes(m.kind)).map((m) => m.metadata.name).sort());
    expect(rows.get('shop-migrate')![7]).toMatch(/^Argo CD \w+ hook$/);
  });
});

test('buildTree writes one README.md per system and environment, and none elsewhere', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pages-tree-'));
  try {
    writeFileSync(join(dir, 'magnetiq.yaml'), readFileSync(join(REPO, 'apps/magnetiq.yaml')));
    const { tree } = buildTree(loadSpecs(dir, join(REPO, 'platform.yaml')), 'platform.yaml');
    const pages = [...tree.keys()].filter((p) => p.endsWith('.md')).sort();
    expect(pages).toEqual(['dev/magnetiq/README.md', 'production/magnetiq/README.md', 'staging/magnetiq/README.md']);
    expect(tree.get('staging/magnetiq/README.md')).toMatch(/^# magnetiq in staging\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
