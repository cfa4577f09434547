/**
 * Escape hatches (extraObjects, patches, custom constructs) go through every gate synth has:
 * schema validation and the policy rules, with errors at the spec field that caused them. A
 * rule may be waived by name with a reason, only for what an escape hatch made, and the waiver
 * shows on the system's README page.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { dump, load } from 'js-yaml';
import { runSynth } from '../src/cli/synth-command';
import { createProgress } from '../src/cli/progress';
import { SpecErrors } from '../src/spec/errors';
import { loadSpecs } from '../src/spec/load';
import { buildTree, Tree } from '../src/synth/build';
import { SerialPairBuilder } from '../src/synth/pair-builder';
import { addPrivilegedDeployment } from './support/violating-construct';

const REPO = join(__dirname, '..');
const PLATFORM = join(REPO, 'platform.yaml');
const FIXTURE = join(REPO, 'test', 'fixtures', 'escape-hatches', 'shop.yaml');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gitops-synth-escape-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

let variants = 0;
/** A folder holding the fixture spec after `edit`. */
function variant(edit: (spec: Spec) => void): string {
  const dir = join(work, `apps-${++variants}`);
  mkdirSync(dir);
  const spec = load(readFileSync(FIXTURE, 'utf8')) as Spec;
  edit(spec);
  writeFileSync(join(dir, 'shop.yaml'), dump(spec));
  return dir;
}

function build(dir: string, builder?: SerialPairBuilder): Tree {
  return buildTree(loadSpecs(dir, PLATFORM), 'platform.yaml', builder).tree;
}

/** The messages of the SpecErrors a build throws, with the spec file's folder left out. */
function errorsOf(dir: string, builder?: SerialPairBuilder): string[] {
  try {
    build(dir, builder);
  } catch (e) {
    if (e instanceof SpecErrors) return e.errors.map((x) => `${x.path}: ${x.problem}`);
    throw e;
  }
  throw new Error('the build did not fail');
}

const yamlOf = (tree: Tree, path: string): Spec => load(tree.get(path)!);

const privilegedPatch: Spec = {
  target: { kind: 'Deployment', name: 'shop-api' },
  strategicMerge: { spec: { template: { spec: { containers: [{ name: 'api', securityContext: { privileged: true, allowPrivilegeEscalation: true } }] } } } },
};

describe('the fixture that uses every escape hatch', () => {
  let tree: Tree;
  beforeAll(() => {
    tree = build(join(REPO, 'test', 'fixtures', 'escape-hatches'));
  });

  test('an extra object lands in the system folder, in its namespace, with the system labels', () => {
    const cm = yamlOf(tree, 'dev/shop/configmap-shop-banner.yaml');
    expect(cm.metadata.namespace).toBe('shop-dev');
    expect(cm.metadata.labels['app.kubernetes.io/part-of']).toBe('shop');
    expect(cm.data).toEqual({ 'banner.txt': 'Planned maintenance on Sunday 02:00-03:00 UTC' });
  });

  test('a strategic merge patch adds an env var, a mount and a volume and keeps the rest', () => {
    const pod = yamlOf(tree, 'dev/shop/deployment-shop-api.yaml').spec.template.spec;
    const api = pod.containers[0];
    expect(api.env.find((e: Spec) => e.name === 'LOG_DIR')).toEqual({ name: 'LOG_DIR', value: '/var/log/shop' });
    expect(api.volumeMounts.map((m: Spec) => m.mountPath)).toEqual(['/app/data', '/tmp', '/var/log/shop']);
    expect(pod.volumes.find((v: Spec) => v.name === 'logs')).toEqual({ name: 'logs', emptyDir: { sizeLimit: '256Mi' } });
    expect(api.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('a JSON Patch replaces one field, and an environment\'s patches replace the base list', () => {
    expect(yamlOf(tree, 'dev/shop/deployment-shop-web.yaml').spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(yamlOf(tree, 'production/shop/deployment-shop-web.yaml').spec.template.spec.terminationGracePeriodSeconds).toBe(60);
    expect(yamlOf(tree, 'production/shop/deployment-shop-api.yaml').spec.template.spec.containers[0].env).toBeUndefined();
  });

  test('the example custom construct (cdk8s-plus-27) is synthesized from the spec', () => {
    expect(yamlOf(tree, 'dev/shop/configmap-shop-robots-txt.yaml').data).toEqual({ 'robots.txt': 'User-agent: *\nDisallow: /admin/\nDisallow: /api/\n' });
  });

  test('the README page lists every escape hatch', () => {
    expect(tree.get('dev/shop/README.md')).toContain(
      ['## Escape hatches', '', '| Escape hatch | What it does |', '| --- | --- |', '| `extraObjects[0]` | adds ConfigMap shop-banner |', '| `patches[0]` | strategic merge on Deployment shop-api |', '| `patches[1]` | JSON Patch on Deployment shop-web |', '| `custom[0]` | construct robots-txt |'].join('\n'),
    );
  });

  test('the AppProject allows the kinds the escape hatches add (ConfigMap is already there)', () => {
    const project = yamlOf(tree, 'dev/apps/appproject-dev-systems.yaml');
    expect(project.spec.namespaceResourceWhitelist).toContainEqual({ group: '', kind: 'ConfigMap' });
  });
});

describe('a patch that breaks a safety rule', () => {
  test('rejects a patch adding a privileged container: synth exits 1, names the rule and the spec field, writes nothing', () => {
    const apps = variant((s) => s.patches.push(privilegedPatch));
    const out = join(work, 'out-privileged');
    let stderr = '';
    const code = runSynth({ check: false, apps, out, platform: PLATFORM, quiet: true, build: {} }, () => undefined, (s) => (stderr += s), createProgress(process.stderr, { CI: 'true' }));
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${join(apps, 'shop.yaml').replace(`${process.cwd()}/`, '')}: patches[2]: makes dev/shop/deployment-shop-api.yaml (Deployment/shop-api): container api: allowPrivilegeEscalation is true, not false, ` +
        'which breaks policy rule no-privilege-escalation (containers set allowPrivilegeEscalation false and are not privileged); change patches[2], or waive the rule with a reason under waivers if it must break it',
    );
    expect(existsSync(out)).toBe(false);
  });

  test('a privileged container is refused even when only privileged is set', () => {
    const patch = structuredClone(privilegedPatch);
    delete patch.strategicMerge.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation;
    expect(errorsOf(variant((s) => s.patches.push(patch)))).toContain(
      'patches[2]: makes dev/shop/deployment-shop-api.yaml (Deployment/shop-api): container api: privileged is true, which breaks policy rule no-privilege-escalation (containers set allowPrivilegeEscalation false and are not privileged); change patches[2], or waive the rule with a reason under waivers if it must break it',
    );
  });

  test('a patch in an environment override is reported at environments.<env>.patches[i]', () => {
    const errors = errorsOf(variant((s) => s.environments.production.patches.push(privilegedPatch)));
    expect(errors.filter((e) => e.startsWith('environments.production.patches[1]: makes production/shop/deployment-shop-api.yaml')).length).toBe(1);
    expect(errors.some((e) => e.startsWith('patches['))).toBe(false);
  });

  test('a waiver with a reason lets it through and shows on the README page', () => {
    const patch = structuredClone(privilegedPatch);
    patch.strategicMerge.spec.template.spec.containers[0].securityContext = { readOnlyRootFilesystem: false } as never;
    const tree = build(
      variant((s) => {
        s.patches.push(patch);
        s.waivers = [{ rule: 'read-only-root-filesystem', reason: 'the vendor agent writes to /opt/agent at start-up' }];
      }),
    );
    expect(yamlOf(tree, 'dev/shop/deployment-shop-api.yaml').spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(tree.get('dev/shop/README.md')).toContain('| Rule | Reason |\n| --- | --- |\n| `read-only-root-filesystem` | the vendor agent writes to /opt/agent at start-up |');
  });

  test('rejects a waiver that names no policy rule', () => {
    const errors = errorsOf(variant((s) => (s.waivers = [{ rule: 'no-privileges', reason: 'a typo in the rule name' }])));
    expect(errors[0]).toMatch(/^waivers\[0\]\.rule: is "no-privileges", which is not a policy rule; rules: anti-affinity, default-deny, /);
  });

  test('a waiver never excuses an object the charts generate or a test construct adds', () => {
    const dir = variant((s) => (s.waivers = [{ rule: 'no-privilege-escalation', reason: 'only escape hatches may be waived' }]));
    const errors = errorsOf(dir, new SerialPairBuilder({ extensions: [addPrivilegedDeployment] }));
    expect(errors).toContain('dev/shop/deployment-shop-debug.yaml (Deployment/shop-debug): container debug: allowPrivilegeEscalation is true, not false (breaks policy rule no-privilege-escalation: containers set allowPrivilegeEscalation false and are not privileged)');
  });
});

describe('escape hatches pass schema validation and their own checks', () => {
  test('rejects an extra object that does not match its Kubernetes schema', () => {
    const errors = errorsOf(variant((s) => s.extraObjects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop-extra' }, spec: { ports: [{ port: 'eighty' }] } })));
    expect(errors.some((e) => e.startsWith('Service/shop-extra: does not match the Kubernetes schema:'))).toBe(true);
  });

  test('rejects a cluster-scoped extra object', () => {
    const errors = errorsOf(variant((s) => s.extraObjects.push({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'x' })));
    expect(errors).toContain('extraObjects[1].kind: is StorageClass, which is cluster-scoped; a system\'s objects live in its namespace shop-dev (cluster-wide objects belong to platform.yaml)');
  });

  test('rejects an extra object in another namespace, and one that repeats a generated object', () => {
    const errors = errorsOf(
      variant((s) => {
        s.extraObjects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } });
        s.extraObjects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-config' } });
      }),
    );
    expect(errors).toContain('extraObjects[1].metadata.namespace: is "kube-system", but the system deploys to shop-dev; leave it out or set shop-dev');
    expect(errors).toContain("extraObjects[2].metadata.name: ConfigMap/shop-config is already generated; change it with 'patches' instead of adding a second one");
  });

  test('rejects a patch whose target does not exist, naming the objects of that kind', () => {
    const errors = errorsOf(variant((s) => s.patches.push({ target: { kind: 'Deployment', name: 'shop-admin' }, jsonPatch: [{ op: 'remove', path: '/spec/replicas' }] })));
    expect(errors).toContain('patches[2].target: Deployment/shop-admin is not an object of this system in dev; its Deployments: shop-api, shop-mailer, shop-web');
  });

  test('rejects a JSON Patch operation that cannot apply, and a patch that renames its target', () => {
    const errors = errorsOf(
      variant((s) => {
        s.patches.push({ target: { kind: 'Service', name: 'shop-api' }, jsonPatch: [{ op: 'replace', path: '/spec/nothing/here', value: 1 }] });
        s.patches.push({ target: { kind: 'Service', name: 'shop-web' }, jsonPatch: [{ op: 'replace', path: '/metadata/name', value: 'shop-www' }] });
      }),
    );
    expect(errors.some((e) => e.startsWith('patches[2].jsonPatch[0]: cannot replace /spec/nothing/here on Service/shop-api: '))).toBe(true);
    expect(errors).toContain('patches[3]: changes the apiVersion, kind, name or namespace of Service/shop-web; add another object with extraObjects instead');
  });

  test('rejects a patch with both jsonPatch and strategicMerge', () => {
    const errors = errorsOf(variant((s) => (s.patches[1].strategicMerge = { spec: {} })));
    expect(errors).toContain('patches[1]: sets both of jsonPatch and strategicMerge; give exactly one');
  });
});

describe('custom constructs', () => {
  test('rejects a construct that is not registered, naming the registered ones', () => {
    expect(errorsOf(variant((s) => s.custom.push({ construct: 'sitemap' })))).toContain('custom[1].construct: is "sitemap", which constructs/index.ts does not register; registered: robots-txt');
  });

  test('rejects options the construct cannot use', () => {
    expect(errorsOf(variant((s) => (s.custom[0].options = { disallow: ['admin'] })))).toContain("custom[0].options: disallow is [\"admin\"]; give a list of paths that start with '/', e.g. [/admin/]");
  });

  test('a construct whose objects break the rules is refused at its spec field (a cdk8s-plus-27 Deployment with its defaults)', () => {
    const registry = {
      'plain-deployment': (scope: Construct) =>
        void new kplus.Deployment(scope, 'd', { metadata: { name: 'shop-plain', namespace: 'shop-dev' }, containers: [{ image: 'registry.example.com/plain:v1', portNumber: 8080 }] }),
    };
    const errors = errorsOf(variant((s) => (s.custom = [{ construct: 'plain-deployment' }])), new SerialPairBuilder({ customConstructs: registry }));
    expect(errors).toContain(
      'custom[0]: makes dev/shop/deployment-shop-plain.yaml (Deployment/shop-plain): container main: imagePullPolicy is Always, which breaks policy rule image-pull-policy (imagePullPolicy is IfNotPresent); change custom[0], or waive the rule with a reason under waivers if it must break it',
    );
    expect(errors.some((e) => e.startsWith('custom[0]: makes dev/shop/deployment-shop-plain.yaml (Deployment/shop-plain): serviceAccountName is undefined'))).toBe(true);
  });
});

test('npm run synth, from its esbuild bundle, includes the custom constructs and writes what they make', () => {
  const out = join(work, 'out-bundle');
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'synth.js'), '--apps', join(REPO, 'test', 'fixtures', 'escape-hatches'), '--out', out, '--quiet'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', GITOPS_SYNTH_WORKERS: '0' },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(readFileSync(join(out, 'dev', 'shop', 'configmap-shop-robots-txt.yaml'), 'utf8')).toContain('Disallow: /admin/');
});
