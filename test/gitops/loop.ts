/**
 * The whole GitOps loop on loopback, started by `npm run test:gitops`: etcd + kube-apiserver
 * (test/cluster/control-plane.ts), kube-controller-manager, kube-scheduler, kwok with fake
 * nodes, the test volume provisioner, the add-ons' CRDs and namespaces (their controllers do
 * not run), Argo CD (repo-server, application-controller, Redis) and the local git repository
 * it syncs from. Nothing of dist/ is applied here: that is Argo CD's job once bootstrap ran.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Api } from '../cluster/api';
import { ControlPlane, startControlPlane } from '../cluster/control-plane';
import { crdObjects } from '../cluster/crds';
import { ApplicationWatcher, watchApplications } from './applications';
import { installArgoCd, startArgoCd } from './argocd';
import { gitopsBinDir } from './binaries';
import { GitRepo } from './git-repo';
import { startClusterControllers } from './kube-controllers';
import { ProcessGroup } from './processes';
import { startTestProvisioner, TestProvisioner } from './provisioner';

/** The namespaces the add-ons' installers create (platform.yaml names them). */
const ADDON_NAMESPACES = ['longhorn-system', 'cert-manager', 'ingress-nginx', 'monitoring'];
const LONGHORN_DRIVER = 'driver.longhorn.io';

export interface GitopsLoop {
  readonly cp: ControlPlane;
  readonly api: Api;
  readonly repo: GitRepo;
  readonly provisioner: TestProvisioner;
  /** Folder with every process's log and applications.log. */
  readonly dir: string;
  stop(): Promise<void>;
}

export interface GitopsLoopProps {
  /** Progress messages. @default - silent */
  readonly log?: (s: string) => void;
  /** Print each Application's sync/health change to stderr as it happens. @default false */
  readonly watch?: boolean;
  /** Keep the folder with the logs after stop(). @default false */
  readonly keep?: boolean;
  /** Directory of the binaries of test/gitops/build.sh. @default gitopsBinDir(process.env) */
  readonly binDir?: string;
}

export async function startGitopsLoop(props: GitopsLoopProps = {}): Promise<GitopsLoop> {
  const log = props.log ?? (() => undefined);
  const binDir = props.binDir ?? gitopsBinDir(process.env);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-loop-'));
  const group = new ProcessGroup(path.join(dir, 'logs'));
  let cp: ControlPlane | undefined;
  let provisioner: TestProvisioner | undefined;
  let watcher: ApplicationWatcher | undefined;
  const stop = async () => {
    watcher?.stop();
    provisioner?.stop();
    await group.stop();
    await cp?.stop();
    if (!props.keep) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const t0 = Date.now();
    log('starting etcd and kube-apiserver');
    cp = await startControlPlane();
    const api = new Api(cp);
    log('starting kube-controller-manager, kube-scheduler, kwok and the fake nodes');
    await startClusterControllers({ cp, api, group, binDir, workDir: dir });
    provisioner = startTestProvisioner({ api, driver: LONGHORN_DRIVER, onError: (m) => fs.appendFileSync(path.join(dir, 'logs', 'provisioner.log'), `${m}\n`) });
    log('installing the add-ons\' CRDs and namespaces');
    const addonCrds = crdObjects().filter((c) => (c.spec as { group: string }).group !== 'argoproj.io');
    for (const crd of addonCrds) {
      const r = await api.apply(crd, { fieldManager: 'addons-install' });
      if (r.status >= 300) throw new Error(`installing CRD ${crd.metadata.name}: ${r.status} ${r.body?.message}`);
    }
    for (const crd of addonCrds) await api.waitEstablished(crd.metadata.name);
    for (const name of ADDON_NAMESPACES) await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'addons-install' });
    log('installing and starting Argo CD');
    await installArgoCd({ api, binDir });
    await startArgoCd({ cp, api, group, binDir, workDir: dir });
    log('creating the git repository');
    const repo = GitRepo.create(path.join(dir, 'repo'));
    watcher = watchApplications(api, path.join(dir, 'applications.log'), props.watch ?? false);
    log(`GitOps loop ready in ${Math.round((Date.now() - t0) / 1000)} s (logs in ${dir})`);
    return { cp, api, repo, provisioner, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

