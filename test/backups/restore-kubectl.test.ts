/**
 * The SQLite restore Job's kubectl steps (stop the writer, wait until its pods are gone, start
 * it again), exactly as `npm run restore` writes them, run by a real kubectl 1.33
 * (test/backups/kubectl.sh) against a real kube-apiserver (test/cluster/control-plane.ts) as
 * the Job's ServiceAccount, so the Role the command writes must allow every call.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { Api, K8sObject } from '../cluster/api';
import { ControlPlane, startControlPlane } from '../cluster/control-plane';
import { find, Obj, ROOT, synthesizeRepo } from '../support/manifests';
import { runStep, step } from './steps';

const KUBECTL = join(process.env.BACKUPS_BIN_DIR ?? join(ROOT, '.cache', 'backups-bin'), 'kubectl');
const NS = 'magnetiq-dev';

let cp: ControlPlane;
let api: Api;
let tmp: string;
let job: Obj;
let env: Record<string, string>;
let pod: K8sObject;

beforeAll(async () => {
  if (!existsSync(KUBECTL)) throw new Error(`${KUBECTL} is missing: run bash test/backups/kubectl.sh (.ci/run does)`);
  tmp = mkdtempSync(join(tmpdir(), 'restore-kubectl-'));
  const out = join(tmp, 'restore');
  const r = spawnSync('npx', ['tsx', 'scripts/restore.ts', '--app', 'magnetiq', '--env', 'dev', '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0) throw new Error(`npm run restore exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  const objs = readdirSync(out).filter((f) => f.endsWith('.yaml')).map((f) => load(readFileSync(join(out, f), 'utf8')) as Obj);
  job = find(objs, 'Job', 'magnetiq-restore-db');

  cp = await startControlPlane({ log: () => undefined });
  api = new Api(cp);
  const must = async (o: K8sObject) => {
    const res = await api.apply(o);
    if (res.status >= 300) throw new Error(`apply ${o.kind}/${o.metadata.name}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await must({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } as K8sObject);
  // The Role and RoleBinding exactly as npm run restore wrote them, and the writer as synth emits it.
  for (const o of objs.filter((x) => x.kind === 'Role' || x.kind === 'RoleBinding')) await must(o as K8sObject);
  const { folders } = synthesizeRepo();
  const deployment = find(folders.get('dev/magnetiq')!, 'Deployment', 'magnetiq-backend');
  // The writer's pods name the platform's PriorityClass, which admission requires to exist.
  for (const o of folders.get('dev/platform')!.filter((x) => x.kind === 'PriorityClass')) await must(o as K8sObject);
  await must(deployment as K8sObject);
  // No controllers run here: stand in for the ReplicaSet with one pod of the writer's template
  // (unscheduled, so the API server deletes it at once, as a kubelet would after shutdown).
  pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'magnetiq-backend-0', namespace: NS, labels: deployment.spec.template.metadata.labels }, spec: deployment.spec.template.spec } as K8sObject;
  await must(pod);

  // kubectl in the Job authenticates as its ServiceAccount: impersonate it.
  const serviceAccount = `system:serviceaccount:${NS}:${job.spec.template.spec.serviceAccountName}`;
  const kubeconfig = JSON.parse(readFileSync(cp.kubeconfig, 'utf8'));
  kubeconfig.users[0].user.as = serviceAccount;
  writeFileSync(join(tmp, 'kubeconfig'), JSON.stringify(kubeconfig), { mode: 0o600 });
  env = { KUBECONFIG: join(tmp, 'kubeconfig'), PATH: `${join(KUBECTL, '..')}:${process.env.PATH ?? '/usr/bin:/bin'}` };
}, 180000);

afterAll(async () => {
  await cp?.stop();
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

async function replicas(): Promise<number> {
  const d = await api.get({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'magnetiq-backend', namespace: NS } } as K8sObject);
  return d.body.spec.replicas;
}

function run(name: string): string {
  const r = runStep(step(job, name), env, tmp);
  if (r.status !== 0) throw new Error(`step ${name} exited with ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

test('stop-writer scales the writer to 0 as the restore ServiceAccount', async () => {
  expect(await replicas()).toBe(1);
  expect(run('stop-writer')).toBe('deployment.apps/magnetiq-backend scaled\n');
  expect(await replicas()).toBe(0);
});

test("wait-writer-gone deletes the writer's pods and returns once they are gone", async () => {
  expect((await api.get(pod)).status).toBe(200);
  expect(run('wait-writer-gone')).toBe('pod "magnetiq-backend-0" deleted\n');
  expect((await api.get(pod)).status).toBe(404);
  // Again with no pod left (the writer was already down): it succeeds, as the Job must.
  expect(run('wait-writer-gone')).toBe('No resources found\n');
});

test('start-writer scales the writer back to 1', async () => {
  expect(run('start-writer')).toBe('deployment.apps/magnetiq-backend scaled\n');
  expect(await replicas()).toBe(1);
});

test('fails if the ServiceAccount may not scale the writer (the Role is what allows it)', () => {
  const other = { ...env, KUBECONFIG: join(tmp, 'kubeconfig-other') };
  const kubeconfig = JSON.parse(readFileSync(env.KUBECONFIG, 'utf8'));
  kubeconfig.users[0].user.as = `system:serviceaccount:${NS}:default`;
  writeFileSync(other.KUBECONFIG, JSON.stringify(kubeconfig), { mode: 0o600 });
  const r = runStep(step(job, 'stop-writer'), other, tmp);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`User "system:serviceaccount:${NS}:default" cannot get resource "deployments" in API group "apps" in the namespace "${NS}"`);
});
