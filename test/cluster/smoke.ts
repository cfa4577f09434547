/**
 * Smoke test of the control-plane harness (Node builtins only):
 *   test/cluster/build.sh && npx tsx test/cluster/smoke.ts
 * (or bundle it with esbuild and run it with node). Exits non-zero on failure.
 *
 * Starts etcd + kube-apiserver, lists namespaces, creates a namespace that
 * enforces the "restricted" Pod Security Standard, checks that a
 * server-side dry-run of a violating Pod is rejected by PodSecurity and that a
 * compliant one is accepted, then stops and checks the processes are gone.
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { startControlPlane } from './control-plane';

interface Res { status: number; body: any }

function api(cp: { server: string; token: string; caFile: string }, method: string, p: string, body?: unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(cp.server + p, {
      method,
      ca: fs.readFileSync(cp.caFile),
      headers: {
        Authorization: `Bearer ${cp.token}`,
        Accept: 'application/json',
        ...(data ? { 'Content-Type': 'application/json' } : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* keep text */ }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

function check(cond: boolean, what: string, detail?: unknown): void {
  if (!cond) throw new Error(`FAILED: ${what}${detail === undefined ? '' : `\n${JSON.stringify(detail, null, 2)}`}`);
  console.log(`ok - ${what}`);
}

function childPids(): number[] {
  const out = childProcess.execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => /etcd|kube-apiserver/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const cp = await startControlPlane({ log: (s) => console.log(`# ${s}`) });
  console.log(`# started in ${Date.now() - t0} ms`);
  try {
    check(fs.existsSync(cp.kubeconfig), 'kubeconfig written');
    const version = await api(cp, 'GET', '/version');
    check(version.status === 200, `GET /version -> ${version.body.gitVersion}`, version.body);

    const list = await api(cp, 'GET', '/api/v1/namespaces');
    check(list.status === 200 && list.body.kind === 'NamespaceList', 'GET /api/v1/namespaces', list.body);

    const anon = await new Promise<number>((resolve, reject) => {
      https.get(cp.server + '/api/v1/namespaces', { ca: fs.readFileSync(cp.caFile) }, (r) => { r.resume(); resolve(r.statusCode ?? 0); })
        .on('error', reject);
    });
    check(anon === 403 || anon === 401, `anonymous request is refused (${anon})`);

    const ns = 'psa-restricted';
    const created = await api(cp, 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    check(created.status === 201, `create namespace ${ns} enforcing restricted`, created.body);

    const bad = await api(cp, 'POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad' },
      spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
    });
    check(bad.status === 403 && /violates PodSecurity "restricted/.test(bad.body.message ?? ''),
      `violating pod rejected: ${bad.body.message}`, bad.body);

    const good = await api(cp, 'POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'good' },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'c', image: 'nginx',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        }],
      },
    });
    check(good.status === 201, 'compliant pod accepted (dry-run)', good.body);

    const dep = await api(cp, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments?dryRun=All`, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      },
    });
    check(dep.status === 201, 'deployment accepted (dry-run; PodSecurity only warns for workloads)', dep.body);
  } finally {
    const pids = childPids();
    check(pids.length === 2, `two child processes running (${pids.join(', ')})`);
    await cp.stop();
    const gone = pids.every((pid) => { try { process.kill(pid, 0); return false; } catch { return true; } });
    check(gone, 'etcd and kube-apiserver are gone after stop()');
    check(!fs.existsSync(cp.kubeconfig), 'temp dir removed');
  }
  console.log(`# all good in ${Date.now() - t0} ms`);
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
