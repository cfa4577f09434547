/**
 * Synth enforces the policy rules itself, before writing: an object that reaches a chart by any
 * path (here a test-only construct, as an escape hatch or custom construct would add one) and
 * breaks a rule stops the build with an error that names the spec file, the object and the rule.
 */
import { join } from 'node:path';
import { SpecErrors } from '../src/spec/errors';
import { loadSpecs, LoadedSpecs } from '../src/spec/load';
import { buildTree } from '../src/synth/build';
import { SerialPairBuilder } from '../src/synth/pair-builder';
import { addPrivilegedDeployment, addRole } from './support/violating-construct';

const REPO = join(__dirname, '..');
let specs: LoadedSpecs;

beforeAll(() => {
  specs = loadSpecs(join(REPO, 'test', 'fixtures', 'minimal-spec'), join(REPO, 'platform.yaml'));
});

function errorsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (e) {
    if (e instanceof SpecErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  throw new Error('the build did not fail');
}

test('the minimal spec passes the gate as it is', () => {
  expect(buildTree(specs, 'platform.yaml').objects).toBeGreaterThan(0);
});

test('rejects a privileged container added by a construct, naming the spec file, the object and the rule', () => {
  const errors = errorsOf(() => buildTree(specs, 'platform.yaml', new SerialPairBuilder({ extensions: [addPrivilegedDeployment] })));
  const file = specs.systems[0].file;
  expect(errors).toContain(
    `${file}: dev/shop/deployment-shop-debug.yaml (Deployment/shop-debug): container debug: allowPrivilegeEscalation is true, not false ` +
      '(breaks policy rule no-privilege-escalation: containers set allowPrivilegeEscalation false and are not privileged)',
  );
  // Every other rule the object breaks is reported too, in every environment.
  expect(errors.filter((e) => e.includes('(breaks policy rule no-privilege-escalation')).length).toBe(specs.systems[0].environments.size);
  expect(errors).toContain(`${file}: dev/shop/deployment-shop-debug.yaml (Deployment/shop-debug): container debug: readOnlyRootFilesystem is not true (breaks policy rule read-only-root-filesystem: containers have a read-only root filesystem)`);
  expect(errors.some((e) => e.includes('(breaks policy rule network-policy-coverage'))).toBe(true);
});

test('rejects a Role added by a construct (rule no-rbac)', () => {
  const errors = errorsOf(() => buildTree(specs, 'platform.yaml', new SerialPairBuilder({ extensions: [addRole] })));
  expect(errors).toContain(
    `${specs.systems[0].file}: dev/shop/role-shop-reader.yaml: Role shop-reader grants API access ` +
      '(breaks policy rule no-rbac: no Role, ClusterRole, RoleBinding or ClusterRoleBinding (workloads get no API access))',
  );
});
