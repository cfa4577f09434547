/**
 * npm run bootstrap against a real kube-apiserver, the way a real cluster looks: Argo CD
 * installed first (its CRDs, its namespace, an argocd-cm it owns), add-ons installed or not.
 * Covers two problems a trial run with a real Argo CD found: bootstrap must name the missing
 * add-ons before applying anything, and must add its health check to an existing argocd-cm
 * (it used to report it "unchanged" and skip it).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { Api } from './api';
import { ControlPlane, startControlPlane } from './control-plane';
import { crdName, crdObjects, CRD_SPECS } from './crds';

const ROOT = join(__dirname, '..', '..');
const ENV = 'dev';
const HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';

let cp: ControlPlane;
let api: Api;

function bootstrap(env: NodeJS.ProcessEnv) {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/bootstrap.ts', '--env', ENV, '--kubeconfig', cp.kubeconfig], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function secretVariables(): NodeJS.ProcessEnv {
  const { loadSpecs } = require('../../src/spec/load') as typeof import('../../src/spec/load');
  const { secretVariable } = require('../../src/bootstrap/plan') as typeof import('../../src/bootstrap/plan');
  const specs = loadSpecs(join(ROOT, 'apps'), join(ROOT, 'platform.yaml'));
  const vars: NodeJS.ProcessEnv = {};
  for (const s of specs.systems) {
    const spec = s.environments.get(ENV);
    if (spec?.secrets?.mode === 'bootstrap') for (const key of spec.secrets.keys) vars[secretVariable(spec.name, key)] = `test-value-${key.toLowerCase()}`;
  }
  return vars;
}

/** The apiVersion dist/dev uses for a kind (External Secrets moves from v1beta1 to v1). */
function apiVersionInDist(kind: string): string {
  const dir = join(ROOT, 'dist', ENV);
  for (const folder of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, folder)).filter((n) => n.startsWith(`${kind.toLowerCase()}-`))) {
      return (load(readFileSync(join(dir, folder, f), 'utf8')) as { apiVersion: string }).apiVersion;
    }
  }
  throw new Error(`no ${kind} in dist/${ENV}`);
}

const ARGO_GROUP = 'argoproj.io';
const rootApp = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: `root-${ENV}`, namespace: 'argocd' } };
const argocdCm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' } };

async function install(objects: Array<Parameters<Api['apply']>[0]>, fieldManager: string): Promise<void> {
  for (const o of objects) {
    const r = await api.apply(o, { fieldManager });
    expect({ object: `${o.kind}/${o.metadata.name}`, status: r.status < 300 }).toEqual({ object: `${o.kind}/${o.metadata.name}`, status: true });
  }
}

beforeAll(async () => {
  cp = await startControlPlane({ log: () => undefined });
  api = new Api(cp);
  // Argo CD as its installer leaves it: CRDs, namespace, an argocd-cm with its own labels and keys.
  await install(crdObjects().filter((c) => (c.spec as { group: string }).group === ARGO_GROUP), 'argocd-install');
  for (const c of CRD_SPECS.filter((s) => s.group === ARGO_GROUP)) await api.waitEstablished(crdName(c));
  await install([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } }], 'argocd-install');
  await install(
    [{ ...argocdCm, metadata: { ...argocdCm.metadata, labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' } }, data: { 'timeout.reconciliation': '180s' } }],
    'argocd-install',
  );
}, 180000);

afterAll(async () => {
  await cp?.stop();
});

describe('bootstrap checks the add-ons before it applies anything', () => {
  test('rejects a cluster without the add-ons, naming each add-on and what of it is missing', async () => {
    const r = bootstrap(secretVariables());
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe(
      'error: add-ons this environment relies on are missing in the cluster: ' +
        'Longhorn (namespace longhorn-system, longhorn.io/v1beta2 BackupTarget, longhorn.io/v1beta2 RecurringJob), ' +
        'the ingress controller (namespace ingress-nginx), monitoring (namespace monitoring), ' +
        'sealed-secrets (bitnami.com/v1alpha1 SealedSecret), cert-manager (cert-manager.io/v1 ClusterIssuer), ' +
        `External Secrets (${apiVersionInDist('ExternalSecret')} ExternalSecret), ` +
        'prometheus-operator (monitoring.coreos.com/v1 PrometheusRule, monitoring.coreos.com/v1 ServiceMonitor); ' +
        'install them, then run bootstrap again (nothing was applied)',
    );
    expect((await api.get(rootApp)).status).toBe(404);
    expect((await api.get(argocdCm)).body.data).toEqual({ 'timeout.reconciliation': '180s' });
  });

  test('names only what is still missing once some add-ons are installed', async () => {
    await install(crdObjects().filter((c) => (c.spec as { group: string }).group !== ARGO_GROUP), 'addons-install');
    for (const c of CRD_SPECS) await api.waitEstablished(crdName(c));
    await install(['ingress-nginx', 'monitoring'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })), 'addons-install');
    const r = bootstrap(secretVariables());
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'error: add-ons this environment relies on are missing in the cluster: Longhorn (namespace longhorn-system); install them, then run bootstrap again (nothing was applied)',
    );
  });
});

describe('bootstrap on a cluster whose Argo CD install created argocd-cm', () => {
  beforeAll(async () => {
    await install([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'longhorn-system' } }], 'addons-install');
  });

  test('adds the Application health check to the existing argocd-cm and reports it configured', async () => {
    const r = bootstrap(secretVariables());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('configured ConfigMap/argocd/argocd-cm\n');
    expect(r.stdout).toContain(`created Application/argocd/root-${ENV}\n`);
    const cm = (await api.get(argocdCm)).body;
    expect(Object.keys(cm.data).sort()).toEqual([HEALTH_KEY, 'timeout.reconciliation']);
    expect(cm.data['timeout.reconciliation']).toBe('180s');
    expect(cm.data[HEALTH_KEY]).toMatch(/^hs = \{ status = "Progressing", message = "" \}\n/);
  });

  test('a second run reports argocd-cm unchanged and nothing to do', () => {
    const r = bootstrap(secretVariables());
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('argocd-cm');
    expect(r.stdout).toMatch(/^bootstrap of dev on https:\/\/127\.0\.0\.1:\d+: nothing to do \(\d+ objects up to date\)\n$/);
  });

});
