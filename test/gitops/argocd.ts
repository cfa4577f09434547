/**
 * A real Argo CD for the test cluster: its own CRDs (from the argo-cd module, copied by
 * test/gitops/build.sh), the namespace, argocd-cm and argocd-secret as its installer creates
 * them, Redis (Debian's redis-server) and the two components that make the GitOps loop: the
 * repo-server (renders the git repository) and the application-controller (compares, syncs,
 * prunes, self-heals), both from the one `argocd` binary, picked by ARGOCD_BINARY_NAME.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';
import { Api, K8sObject } from '../cluster/api';
import type { ControlPlane } from '../cluster/control-plane';
import { gitopsFile } from './binaries';
import { HEALTH_OVERRIDES } from './health-overrides';
import { freePorts } from '../support/free-ports';
import { ProcessGroup, waitForPort } from './processes';

export const ARGOCD_NAMESPACE = 'argocd';

export interface ArgoCdProps {
  readonly cp: ControlPlane;
  readonly api: Api;
  readonly group: ProcessGroup;
  readonly binDir: string;
  /** Scratch folder (repo-server checkouts, Redis). */
  readonly workDir: string;
  /** How often the controller re-reads git and re-compares every Application, in seconds. @default 10 */
  readonly resyncSeconds?: number;
}

async function applyAll(api: Api, objects: readonly K8sObject[], what: string): Promise<void> {
  for (const o of objects) {
    const r = await api.apply(o, { fieldManager: 'argocd-install' });
    if (r.status >= 300) throw new Error(`${what}: applying ${o.kind}/${o.metadata.name}: ${r.status} ${r.body?.message ?? JSON.stringify(r.body)}`);
  }
}

/** Installs what an Argo CD install puts into the cluster before any of its pods start. */
export async function installArgoCd(props: Pick<ArgoCdProps, 'api' | 'binDir' | 'resyncSeconds'>): Promise<void> {
  const crdDir = gitopsFile(props.binDir, 'argocd-crds');
  const crds = fs.readdirSync(crdDir).sort().map((f) => load(fs.readFileSync(path.join(crdDir, f), 'utf8')) as K8sObject);
  await applyAll(props.api, crds, 'Argo CD CRDs');
  for (const c of crds) await props.api.waitEstablished(c.metadata.name);
  const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'argocd' });
  await applyAll(
    props.api,
    [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE } },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE, labels: labels('argocd-cm') },
        data: {
          // Poll git often so that a commit reaches the cluster within the test's patience.
          'timeout.reconciliation': `${props.resyncSeconds ?? 10}s`,
          'timeout.reconciliation.jitter': '0s',
          ...Object.fromEntries(HEALTH_OVERRIDES.map((o) => [`resource.customizations.health.${o.group}_${o.kind}`, o.lua])),
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'argocd-secret', namespace: ARGOCD_NAMESPACE, labels: labels('argocd-secret') },
        type: 'Opaque',
        stringData: { 'server.secretkey': crypto.randomBytes(32).toString('base64') },
      },
    ],
    'Argo CD install',
  );
}

export interface RunningArgoCd {
  readonly repoServer: string;
  readonly redis: string;
}

/** Starts Redis, the repo-server and the application-controller; resolves once they listen. */
export async function startArgoCd(props: ArgoCdProps): Promise<RunningArgoCd> {
  const { group, binDir } = props;
  const argocd = gitopsFile(binDir, 'argocd');
  gitopsFile(binDir, 'git-verify-wrapper.sh');
  const [redisPort, repoPort, repoMetrics, ctrlMetrics] = await freePorts(4);
  // Generous: on a busy 2-core machine the controller takes a while to fill its caches.
  const deadline = Date.now() + 300_000;
  const redisDir = path.join(props.workDir, 'redis');
  fs.mkdirSync(redisDir, { recursive: true });
  group.start({
    name: 'redis',
    command: 'redis-server',
    // A cache only: no persistence, loopback only.
    args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir],
  });
  await waitForPort(redisPort, deadline, group, 'redis-server');
  const redis = `127.0.0.1:${redisPort}`;
  const tmp = path.join(props.workDir, 'argocd-tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const common = {
    // git-verify-wrapper.sh is looked up on PATH; without it every app fails with "permission denied".
    PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    TMPDIR: tmp,
    HOME: tmp,
    ARGOCD_GPG_ENABLED: 'false',
  };
  group.start({
    name: 'argocd-repo-server',
    command: argocd,
    args: [
      '--port', String(repoPort),
      '--metrics-port', String(repoMetrics),
      '--address', '127.0.0.1',
      '--metrics-address', '127.0.0.1',
      '--disable-tls',
      '--client-ca-path=',
      '--redis', redis,
      '--loglevel', 'info',
      // Which commit a branch points at is cached for 3 min by default (installs add a git
      // webhook for speed); the test polls instead, so it must see a new commit within seconds.
      '--revision-cache-expiration', '5s',
    ],
    env: { ...common, ARGOCD_BINARY_NAME: 'argocd-repo-server' },
  });
  await waitForPort(repoPort, deadline, group, 'argocd-repo-server');
  const repoServer = `127.0.0.1:${repoPort}`;
  group.start({
    name: 'argocd-application-controller',
    command: argocd,
    args: [
      '--repo-server', repoServer,
      '--repo-server-plaintext',
      '--redis', redis,
      '--metrics-port', String(ctrlMetrics),
      '--namespace', ARGOCD_NAMESPACE,
      '--status-processors', '4',
      '--operation-processors', '4',
      '--app-resync', String(props.resyncSeconds ?? 10),
      // Argo CD 3 keeps each resource's health out of the Application by default; the test reads
      // it from there, as `argocd app get` users see it.
      '--persist-resource-health',
      '--loglevel', 'info',
    ],
    env: { ...common, ARGOCD_BINARY_NAME: 'argocd-application-controller', ARGOCD_FAKE_IN_CLUSTER: 'true', KUBECONFIG: props.cp.kubeconfig },
  });
  await waitForPort(ctrlMetrics, deadline, group, 'argocd-application-controller');
  return { repoServer, redis };
}
