/**
 * `npm run bootstrap` says what is missing before it talks to any cluster: no kubeconfig
 * (naming where it looked), or an unknown context (naming the known ones). Runs the command
 * as a user would, in a child process (@kubernetes/client-node is ESM, which jest cannot load).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { secretVariable } from '../src/bootstrap/plan';
import { loadSpecs } from '../src/spec/load';

const REPO = resolve(__dirname, '..');

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: lab
    cluster: { server: 'https://127.0.0.1:1' }
users:
  - name: admin
    user: { token: not-a-real-token }
contexts:
  - name: lab-admin
    context: { cluster: lab, user: admin }
  - name: prod-admin
    context: { cluster: lab, user: admin }
current-context: lab-admin
`;

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'bootstrap-kubeconfig-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

/** Values for the bootstrap-mode secrets of dev, so that the command gets as far as the kubeconfig. */
function secretVariables(): NodeJS.ProcessEnv {
  const vars: NodeJS.ProcessEnv = {};
  for (const s of loadSpecs(join(REPO, 'apps'), join(REPO, 'platform.yaml')).systems) {
    const spec = s.environments.get('dev');
    if (spec?.secrets?.mode === 'bootstrap') for (const key of spec.secrets.keys) vars[secretVariable(spec.name, key)] = 'test-value';
  }
  return vars;
}

function bootstrap(args: string[], env: NodeJS.ProcessEnv) {
  const base: NodeJS.ProcessEnv = { ...process.env, ...secretVariables(), CI: 'true', HOME: home };
  delete base.KUBECONFIG;
  const r = spawnSync(join(REPO, 'node_modules', '.bin', 'tsx'), ['scripts/bootstrap.ts', '--env', 'dev', ...args], { cwd: REPO, encoding: 'utf8', env: { ...base, ...env } });
  return { status: r.status, stderr: r.stderr };
}

test('fails if there is no kubeconfig, naming where it looked instead of a made-up localhost cluster', () => {
  const r = bootstrap([], {});
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(
    `error: no kubeconfig found (looked in ${join(home, '.kube', 'config')}, from the default location): pass --kubeconfig FILE, set KUBECONFIG, or run kubectl config to create one\n`,
  );
});

test('fails if --context names a context the kubeconfig does not have, listing those it has', () => {
  const file = join(home, 'config.yaml');
  writeFileSync(file, KUBECONFIG);
  const r = bootstrap(['--context', 'staging'], { KUBECONFIG: file });
  expect(r.status).toBe(1);
  expect(r.stderr).toBe('error: context "staging" not found; known: lab-admin, prod-admin\n');
});
