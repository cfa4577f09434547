/**
 * Talking to the cluster for bootstrap, through @kubernetes/client-node and the user's
 * kubeconfig: preflight checks with one-line errors, server-side apply that reports whether
 * each object was created, changed or already up to date, and waiting until objects exist.
 */
import * as k8s from '@kubernetes/client-node';
import type { AddonRequirement } from './addons';
import { canonicalJson } from './canonical-json';
import { kubeconfigFiles, KubeconfigLookup, useContext } from './kubeconfig';
import { BootstrapError, BootstrapObject } from './plan';

/** Field manager of every object bootstrap applies (server-side apply ownership). */
export const FIELD_MANAGER = 'gitops-synth-bootstrap';

export type Outcome = 'created' | 'configured' | 'unchanged';

export interface ClusterOptions {
  /** Where to look for the kubeconfig (--kubeconfig, $KUBECONFIG, the home folder). */
  readonly lookup: KubeconfigLookup;
  /** Context to use; default the kubeconfig's current context. */
  readonly context?: string;
}

export interface Cluster {
  readonly server: string;
  readonly contextName: string;
  readonly api: k8s.KubernetesObjectApi;
  readonly config: k8s.KubeConfig;
}

export function connect(opts: ClusterOptions): Cluster {
  const config = new k8s.KubeConfig();
  const files = kubeconfigFiles(opts.lookup);
  try {
    config.loadFromFile(files[0]);
    for (const file of files.slice(1)) {
      const more = new k8s.KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more, true); // kubectl: the first file that sets current-context wins
    }
  } catch (e) {
    throw new BootstrapError(`cannot read the kubeconfig ${files.join(', ')}: ${(e as Error).message}`);
  }
  if (opts.context !== undefined) useContext(config, opts.context);
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new BootstrapError(`the kubeconfig ${files.join(', ')} has no current cluster: pass --context or set a current context`);
  return { server: cluster.server, contextName: config.getCurrentContext(), api: k8s.KubernetesObjectApi.makeApiClient(config), config };
}

function statusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Turns a failed request into one line the user can act on. */
export function describeFailure(cluster: Cluster, e: unknown, what: string): BootstrapError {
  if (e instanceof BootstrapError) return e;
  const status = statusOf(e);
  if (status === 401) return new BootstrapError(`the cluster at ${cluster.server} rejected the credentials of context ${cluster.contextName} (401 Unauthorized): log in again or fix the kubeconfig`);
  if (status === 403) return new BootstrapError(`context ${cluster.contextName} may not ${what} (403 Forbidden): bootstrap needs the permissions listed in the README`);
  const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code;
  const text = String((e as Error).message ?? e);
  if (typeof cause === 'string' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|fetch failed|certificate/i.test(text)) {
    return new BootstrapError(`cannot reach the cluster at ${cluster.server} (context ${cluster.contextName}): ${typeof cause === 'string' ? cause : text.split('\n')[0]}`);
  }
  const body = (e as { body?: unknown }).body;
  let reason = text.split('\n')[0];
  if (typeof body === 'string') {
    try {
      reason = (JSON.parse(body) as { message?: string }).message ?? reason;
    } catch {
      // not JSON: keep the message
    }
  }
  return new BootstrapError(`could not ${what}: ${status ? `${status} ` : ''}${reason}`);
}

async function request<T>(cluster: Cluster, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw describeFailure(cluster, e, what);
  }
}

/** Reads an object, or undefined when it does not exist. */
async function readObject(cluster: Cluster, o: BootstrapObject): Promise<k8s.KubernetesObject | undefined> {
  try {
    return await cluster.api.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } });
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw describeFailure(cluster, e, `read ${o.kind}/${o.metadata.name}`);
  }
}

/** Checks the cluster answers, the credentials work and Argo CD is installed. */
export async function preflight(cluster: Cluster, argocdNamespace: string): Promise<void> {
  const version = cluster.config.makeApiClient(k8s.VersionApi);
  await request(cluster, 'read the server version', () => version.getCode());
  const crds = cluster.config.makeApiClient(k8s.ApiextensionsV1Api);
  for (const crd of ['applications.argoproj.io', 'appprojects.argoproj.io']) {
    try {
      await crds.readCustomResourceDefinition({ name: crd });
    } catch (e) {
      if (statusOf(e) === 404) {
        throw new BootstrapError(`Argo CD is not installed in this cluster (no CustomResourceDefinition ${crd}): install Argo CD into namespace ${argocdNamespace} first, then run bootstrap again`);
      }
      throw describeFailure(cluster, e, `read CustomResourceDefinition ${crd}`);
    }
  }
  const core = cluster.config.makeApiClient(k8s.CoreV1Api);
  try {
    await core.readNamespace({ name: argocdNamespace });
  } catch (e) {
    if (statusOf(e) === 404) throw new BootstrapError(`namespace ${argocdNamespace} does not exist: install Argo CD into it first, then run bootstrap again`);
    throw describeFailure(cluster, e, `read namespace ${argocdNamespace}`);
  }
}

// Fields the server sets on every write; comparing without them tells a real change.
function comparable(o: k8s.KubernetesObject | undefined): string {
  if (o === undefined) return '';
  const { metadata, ...rest } = o as k8s.KubernetesObject & Record<string, unknown>;
  const m = { ...(metadata ?? {}) } as Record<string, unknown>;
  for (const k of ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid']) delete m[k];
  const r = { ...rest } as Record<string, unknown>;
  delete r.status;
  return canonicalJson({ metadata: m, ...r });
}

/**
 * Server-side applies one object: first as a dry run to learn whether it would change
 * anything, then for real unless `dryRun` is set or nothing would change.
 */
export async function applyObject(cluster: Cluster, o: BootstrapObject, dryRun: boolean): Promise<Outcome> {
  const label = `${o.kind}/${o.metadata.name}`;
  const current = await readObject(cluster, o);
  const apply = (mode?: string) =>
    request(cluster, `apply ${label}`, () =>
      cluster.api.patch(o as k8s.KubernetesObject, undefined, mode, FIELD_MANAGER, false, k8s.PatchStrategy.ServerSideApply),
    );
  const preview = await apply('All');
  if (current !== undefined && comparable(preview) === comparable(current)) return 'unchanged';
  if (!dryRun) await apply(undefined);
  return current === undefined ? 'created' : 'configured';
}

/** Waits until every object can be read back, up to `timeoutMs`. */
export async function waitForObjects(cluster: Cluster, objects: readonly BootstrapObject[], timeoutMs: number, onProgress: (ready: number, total: number) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(objects);
  while (pending.size > 0) {
    for (const o of [...pending]) if ((await readObject(cluster, o)) !== undefined) pending.delete(o);
    onProgress(objects.length - pending.size, objects.length);
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      throw new BootstrapError(`timed out waiting for ${[...pending].map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The requirements the cluster does not meet: kinds it does not serve, namespaces it lacks. */
export async function missingAddons(cluster: Cluster, requirements: readonly AddonRequirement[]): Promise<AddonRequirement[]> {
  const custom = cluster.config.makeApiClient(k8s.CustomObjectsApi);
  const core = cluster.config.makeApiClient(k8s.CoreV1Api);
  const served = new Map<string, Set<string>>();
  const kindsOf = async (apiVersion: string): Promise<Set<string>> => {
    const known = served.get(apiVersion);
    if (known !== undefined) return known;
    const [group, version] = apiVersion.split('/');
    let kinds = new Set<string>();
    try {
      const list = await custom.getAPIResources({ group, version });
      kinds = new Set(list.resources.map((r) => r.kind));
    } catch (e) {
      if (statusOf(e) !== 404) throw describeFailure(cluster, e, `discover ${apiVersion}`);
    }
    served.set(apiVersion, kinds);
    return kinds;
  };
  const missing: AddonRequirement[] = [];
  for (const r of requirements) {
    if (r.type === 'kind') {
      if (!(await kindsOf(r.apiVersion)).has(r.kind)) missing.push(r);
      continue;
    }
    try {
      await core.readNamespace({ name: r.name });
    } catch (e) {
      if (statusOf(e) === 404) missing.push(r);
      else throw describeFailure(cluster, e, `read namespace ${r.name}`);
    }
  }
  return missing;
}
