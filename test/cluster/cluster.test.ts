/**
 * dist/ and bootstrap against a real kube-apiserver with etcd, started on loopback for this
 * file: server-side apply of every manifest (dry run, zero warnings, strict field validation,
 * PodSecurity restricted), a real apply of a whole environment applied twice with no change
 * the second time, broken manifests the server must reject, and the bootstrap command.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { Api, K8sObject } from './api';
import { ControlPlane, startControlPlane } from './control-plane';
import { OLDER_RELEASES } from '../../src/addons/catalogue';
import { AddonReleases, DEFAULT_RELEASES, resolveAddons } from '../../src/addons/releases';
import { crdNames, crdObjects } from './crds';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
// Environments are dist/'s folders (dist/ also holds synth's output marker file).
const ENVS = readdirSync(DIST).filter((e) => statSync(join(DIST, e)).isDirectory()).sort();

let cp: ControlPlane;
let api: Api;
let applied = 0;

function manifests(folder: string): Array<{ file: string; object: K8sObject }> {
  const dir = join(DIST, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `dist/${folder}/${f}`, object: load(readFileSync(join(dir, f), 'utf8')) as K8sObject }));
}

function bootstrap(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/bootstrap.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Values for every bootstrap-mode secret variable of an environment, by name. */
function secretVariables(env: string): NodeJS.ProcessEnv {
  const { loadSpecs } = require('../../src/spec/load') as typeof import('../../src/spec/load');
  const { secretVariable } = require('../../src/bootstrap/plan') as typeof import('../../src/bootstrap/plan');
  const specs = loadSpecs(join(ROOT, 'apps'), join(ROOT, 'platform.yaml'));
  const vars: NodeJS.ProcessEnv = {};
  for (const s of specs.systems) {
    const spec = s.environments.get(env);
    if (spec?.secrets?.mode === 'bootstrap') for (const key of spec.secrets.keys) vars[secretVariable(spec.name, key)] = `test-value-${key.toLowerCase()}`;
  }
  return vars;
}

beforeAll(async () => {
  cp = await startControlPlane({ log: () => undefined });
  api = new Api(cp);
}, 180000);

afterAll(async () => {
  await cp?.stop();
  process.stdout.write(`integration tests applied ${applied} objects to the API server\n`);
});

describe('bootstrap before Argo CD is installed', () => {
  test('fails with one line telling the user to install Argo CD first', () => {
    const r = bootstrap(['--env', 'production', '--kubeconfig', cp.kubeconfig], secretVariables('production'));
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Argo CD is not installed .*install Argo CD/);
  });
});

/** Server-side applies the CRDs of an add-on release set and waits until each is established. */
async function installCrds(releases: AddonReleases): Promise<void> {
  const crds = crdObjects(releases);
  for (const crd of crds) {
    const r = await api.apply(crd);
    expect({ crd: crd.metadata.name, status: r.status < 300 ? 'ok' : `${r.status} ${r.body?.message}` }).toEqual({ crd: crd.metadata.name, status: 'ok' });
  }
  for (const name of crdNames(crds)) await api.waitEstablished(name);
}

/** Server-side dry-run apply of every file of one environment: the failures and warnings. */
async function dryRunEnvironment(env: string): Promise<string[]> {
  const folders = readdirSync(join(DIST, env)).sort();
  const all = folders.flatMap((f) => manifests(`${env}/${f}`));
  // Namespaced objects need their (restricted) namespace to exist, even for a dry run.
  for (const { object } of all.filter((m) => m.object.kind === 'Namespace')) {
    const r = await api.apply(object);
    expect(r.warnings).toEqual([]);
    expect([200, 201]).toContain(r.status);
  }
  const failures: string[] = [];
  for (const { file, object } of all) {
    const r = await api.apply(object, { dryRun: true });
    applied++;
    if (r.status >= 300) failures.push(`${file}: ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
    for (const w of r.warnings) failures.push(`${file}: warning: ${w}`);
  }
  return failures;
}

// The older set first, then the defaults over it: the upgrade a real cluster goes through.
describe('the API server with the real CRDs of the older add-on release set accepts every manifest in dist/', () => {
  beforeAll(async () => {
    await installCrds(resolveAddons({ addons: OLDER_RELEASES }));
    // Namespaces of the add-ons, which their own installers create in a real cluster.
    for (const name of ['argocd', 'longhorn-system', 'cert-manager', 'ingress-nginx', 'monitoring']) {
      const r = await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      expect([200, 201]).toContain(r.status);
    }
  }, 120000);

  test('the older set differs from the defaults', () => {
    expect(OLDER_RELEASES.externalSecrets).toBe('v0.16.2');
    expect(OLDER_RELEASES.argocd).not.toBe(DEFAULT_RELEASES.argocd);
  });

  test.each(ENVS)('%s: server-side dry-run apply of every file succeeds with no warnings', async (env) => {
    expect(await dryRunEnvironment(env)).toEqual([]);
  });
});

describe('the API server with the real CRDs of the default add-on releases accepts every manifest in dist/', () => {
  beforeAll(async () => {
    await installCrds(DEFAULT_RELEASES);
  }, 120000);

  test.each(ENVS)('%s: server-side dry-run apply of every file succeeds with no warnings', async (env) => {
    expect(await dryRunEnvironment(env)).toEqual([]);
  });

  test('an ExternalSecret in external-secrets.io/v1beta1, which External Secrets v1.3.2 no longer serves, is refused', async () => {
    // A fresh client: discovery answers are cached per client, and the older CRDs served v1beta1.
    const fresh = new Api(cp);
    let served = true;
    for (let i = 0; i < 50 && served; i++) {
      served = await fresh.resourceOf('external-secrets.io/v1beta1', 'ExternalSecret').then(
        () => true,
        () => false,
      );
      if (served) await new Promise((r) => setTimeout(r, 200));
    }
    await expect(new Api(cp).resourceOf('external-secrets.io/v1beta1', 'ExternalSecret')).rejects.toThrow('the server does not serve external-secrets.io/v1beta1: 404');
    expect((await fresh.resourceOf('external-secrets.io/v1', 'ExternalSecret')).plural).toBe('externalsecrets');
  });
});

describe('a whole environment applied for real', () => {
  // Stored content without what the server changes on every write.
  const content = (body: { metadata: Record<string, unknown> }) => JSON.stringify({ ...body, metadata: { ...body.metadata, resourceVersion: undefined, managedFields: undefined } });

  test('a second apply changes nothing: no conflicts, same stored objects, same resource versions', async () => {
    const env = ENVS.includes('production') ? 'production' : ENVS[0];
    const all = readdirSync(join(DIST, env))
      .sort()
      .flatMap((f) => manifests(`${env}/${f}`))
      .sort((a, b) => Number(b.object.kind === 'Namespace') - Number(a.object.kind === 'Namespace'));
    const first = new Map<string, { version: string; content: string }>();
    for (const { file, object } of all) {
      const r = await api.apply(object);
      applied++;
      expect({ file, status: r.status < 300, warnings: r.warnings }).toEqual({ file, status: true, warnings: [] });
      const stored = await api.get(object);
      first.set(file, { version: stored.body.metadata.resourceVersion, content: content(stored.body) });
    }
    const changed: string[] = [];
    const bumped: string[] = [];
    for (const { file, object } of all) {
      const r = await api.apply(object);
      applied++;
      expect({ file, status: r.status }).toEqual({ file, status: 200 });
      const stored = await api.get(object);
      if (content(stored.body) !== first.get(file)!.content) changed.push(file);
      if (stored.body.metadata.resourceVersion !== first.get(file)!.version) bumped.push(`${object.kind} ${file}`);
    }
    expect(changed).toEqual([]);
    // kube-apiserver writes a new resourceVersion for every apply of a PersistentVolumeClaim,
    // even one that changes nothing (seen with a bare claim too); no other kind may.
    expect(bumped.filter((b) => !b.startsWith('PersistentVolumeClaim '))).toEqual([]);
  });
});

describe('the tests can fail: the server rejects broken manifests', () => {
  const ns = 'broken-manifests';
  beforeAll(async () => {
    await api.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' } },
    });
  });

  const deployment = (securityContext: object): K8sObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'root-app', namespace: ns },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'nginx:1.27.0', securityContext }] } },
    },
  });

  test('a Deployment whose pods would run as root gets a PodSecurity warning', async () => {
    const r = await api.apply(deployment({ runAsUser: 0, privileged: true }), { dryRun: true });
    expect(r.warnings.join('\n')).toMatch(/would violate PodSecurity .*restricted.*runAsUser=0/);
  });

  test('a Pod that violates the restricted profile is forbidden', async () => {
    const pod: K8sObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: ns }, spec: { containers: [{ name: 'x', image: 'nginx:1.27.0' }] } };
    const r = await api.apply(pod, { dryRun: true });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/violates PodSecurity "restricted/);
  });

  test('an unknown field is rejected by server-side apply and by strict field validation', async () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: ns }, data: {}, dta: {} } as K8sObject;
    // Server-side apply reports a field outside the schema as a 500 (an API server quirk).
    const applied = await api.apply(object, { dryRun: true });
    expect(applied.status).toBeGreaterThanOrEqual(400);
    expect(applied.body.message).toMatch(/\.dta: field not declared in schema/);
    const created = await api.create(object, true);
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/unknown field "dta"/);
  });

  test('a RecurringJob outside its CRD schema is rejected', async () => {
    const job = manifests(`${ENVS[0]}/platform`).find((m) => m.object.kind === 'RecurringJob')!.object;
    const r = await api.apply({ ...job, spec: { ...(job.spec as object), task: 'format-disks' } }, { dryRun: true });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toContain('format-disks');
  });

  test('an invalid object name is rejected', async () => {
    const r = await api.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_DNS_Name', namespace: ns } }, { dryRun: true });
    expect(r.status).toBe(422);
  });
});

describe('npm run bootstrap against the API server', () => {
  // Not production: the test above applied that environment, root Application included.
  const env = 'staging';

  test('--dry-run shows what would change and changes nothing', () => {
    const r = bootstrap(['--env', env, '--kubeconfig', cp.kubeconfig, '--dry-run'], secretVariables(env));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/would create Application\/argocd\/root-staging/);
    expect(r.stdout).toMatch(/dry run, nothing changed/);
  });

  test('the first run creates the root app-of-apps and the bootstrap secrets without printing their values', async () => {
    const vars = secretVariables(env);
    const r = bootstrap(['--env', env, '--kubeconfig', cp.kubeconfig], vars);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/created Application\/argocd\/root-staging/);
    for (const value of Object.values(vars)) expect(r.stdout).not.toContain(value);
    const root = await api.get({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'root-staging', namespace: 'argocd' } });
    expect(root.status).toBe(200);
    expect(root.body.spec.source.path).toBe('dist/staging/apps');
  });

  test('the second run reports nothing to do', () => {
    const r = bootstrap(['--env', env, '--kubeconfig', cp.kubeconfig], secretVariables(env));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/nothing to do/);
  });

  test('bad credentials fail cleanly with one line', () => {
    const bad = join(require('node:os').tmpdir(), `bad-kubeconfig-${process.pid}`);
    writeFileSync(bad, readFileSync(cp.kubeconfig, 'utf8').replace(cp.token, 'not-the-token'));
    const r = bootstrap(['--env', env, '--kubeconfig', bad], secretVariables(env));
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/rejected the credentials .*401/);
  });

  test('an unreachable cluster fails cleanly with one line', () => {
    const off = join(require('node:os').tmpdir(), `off-kubeconfig-${process.pid}`);
    writeFileSync(off, readFileSync(cp.kubeconfig, 'utf8').replace(cp.server, 'https://127.0.0.1:1'));
    const r = bootstrap(['--env', env, '--kubeconfig', off], secretVariables(env));
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach the cluster at https:\/\/127\.0\.0\.1:1/);
  });

  test('a missing secret variable fails before the cluster is touched', () => {
    const r = bootstrap(['--env', env, '--kubeconfig', cp.kubeconfig]);
    const needed = Object.keys(secretVariables(env));
    expect(needed.length).toBeGreaterThan(0);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`missing environment variable`);
    expect(r.stderr).toContain(needed[0]);
  });

  describe('with backupStore credentials mode bootstrap', () => {
    // The repository's platform.yaml with the store's key pair switched to mode bootstrap.
    const platformFile = join(require('node:os').tmpdir(), `platform-store-bootstrap-${process.pid}.yaml`);
    const store = { BACKUP_STORE_AWS_ACCESS_KEY_ID: 'AKIATESTSTOREKEY', BACKUP_STORE_AWS_SECRET_ACCESS_KEY: 'test-store-secret-value' };
    beforeAll(() => {
      const text = readFileSync(join(ROOT, 'platform.yaml'), 'utf8');
      const external = '    mode: external\n    store: { kind: ClusterSecretStore, name: vault }\n    remoteKey: platform/backup-store\n';
      expect(text).toContain(external);
      writeFileSync(platformFile, text.replace(external, '    mode: bootstrap\n'));
    });

    test('a missing store variable is named before the cluster is touched', () => {
      const r = bootstrap(['--env', env, '--kubeconfig', cp.kubeconfig, '--platform', platformFile], { ...secretVariables(env), BACKUP_STORE_AWS_ACCESS_KEY_ID: store.BACKUP_STORE_AWS_ACCESS_KEY_ID });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('error: missing environment variable for bootstrap secrets: BACKUP_STORE_AWS_SECRET_ACCESS_KEY (export each, then run again)\n');
    });

    test("creates each system's store Secret and Longhorn's, with AWS_ENDPOINTS, without printing the values", async () => {
      const r = bootstrap(['--env', env, '--kubeconfig', cp.kubeconfig, '--platform', platformFile], { ...secretVariables(env), ...store });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('created Secret/longhorn-system/longhorn-backup-store (from BACKUP_STORE_AWS_ACCESS_KEY_ID, BACKUP_STORE_AWS_SECRET_ACCESS_KEY)\n');
      expect(r.stdout).toContain('created Secret/memo-ai-coach-staging/memo-ai-coach-backup-store (from BACKUP_STORE_AWS_ACCESS_KEY_ID, BACKUP_STORE_AWS_SECRET_ACCESS_KEY)\n');
      for (const value of Object.values(store)) expect(r.stdout).not.toContain(value);
      const longhorn = await api.get({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'longhorn-backup-store', namespace: 'longhorn-system' } });
      expect(longhorn.status).toBe(200);
      const decoded = Object.fromEntries(Object.entries(longhorn.body.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      expect(decoded).toEqual({ AWS_ACCESS_KEY_ID: 'AKIATESTSTOREKEY', AWS_SECRET_ACCESS_KEY: 'test-store-secret-value', AWS_ENDPOINTS: 'https://s3.eu-central-1.amazonaws.com' });
      const again = bootstrap(['--env', env, '--kubeconfig', cp.kubeconfig, '--platform', platformFile], { ...secretVariables(env), ...store });
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(/nothing to do/);
    });
  });
});

describe('the workload features are accepted as emitted', () => {
  // test/fixtures/workloads-spec uses every workload field (native sidecars, secret files,
  // zone spread, PriorityClass, KEDA, CronJob time zones, ...), which dist/ only partly shows.
  test('server-side dry-run apply of the fixture system succeeds with no warnings', async () => {
    const { synthesizeRepo } = require('../support/manifests') as typeof import('../support/manifests');
    const { folders } = synthesizeRepo(join(ROOT, 'test', 'fixtures', 'workloads-spec'));
    const objects = [...(folders.get('staging/platform') ?? []), ...(folders.get('staging/shop') ?? [])] as K8sObject[];
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['PriorityClass', 'ScaledObject', 'TriggerAuthentication', 'CronJob', 'Job']));
    const failures: string[] = [];
    for (const object of [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind === 'PriorityClass')]) {
      const r = await api.apply(object);
      if (r.status >= 300 || r.warnings.length > 0) failures.push(`${object.kind}/${object.metadata.name}: ${r.status} ${r.warnings.join('; ')}`);
    }
    for (const object of objects) {
      const r = await api.apply(object, { dryRun: true });
      applied++;
      if (r.status >= 300) failures.push(`${object.kind}/${object.metadata.name}: ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
      for (const w of r.warnings) failures.push(`${object.kind}/${object.metadata.name}: warning: ${w}`);
    }
    expect(failures).toEqual([]);
  });
});
