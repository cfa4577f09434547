/**
 * Rules for platform.yaml that its JSON Schema cannot express, each the way Argo CD (or the
 * component that reads the field) would take the value:
 * - repoURL: https://, ssh:// or scp-like `git@host:path` (file:// for local tests); never
 *   http:// or git:// (unauthenticated, in clear), never with a password in it;
 * - targetRevision: a git ref name (git check-ref-format), HEAD or a commit;
 * - distPath: a normalised relative path inside the repository, not its root;
 * - cluster URLs: https:// without a trailing slash (Argo CD matches the server URL exactly);
 * (Environments may share a cluster: src/synth/cluster-ownership.ts emits its cluster-wide
 * objects once, and src/spec/rules/cross-system.ts keeps namespaces and hosts apart there.)
 * - storage.backupSchedule: a cron schedule as Longhorn (robfig/cron) reads it.
 */
import type { Problem } from './errors';
import type { PlatformSpec } from './platform.generated';
import { cronProblem } from './cron';
import { secretValueReason } from './secret-values';

/** Why a git ref name is refused by `git check-ref-format`, or undefined. */
export function refNameProblem(ref: string): string | undefined {
  if (ref === 'HEAD' || /^[0-9a-f]{7,40}$/.test(ref)) return undefined;
  if (ref.trim() === '') return 'is empty';
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return 'holds a blank, a control character or one of ~ ^ : ? * [ \\, which git refuses in a ref name';
  if (ref.includes('..') || ref.includes('@{') || ref === '@' || ref.includes('//')) return "holds '..', '@{', '//' or is '@', which git refuses in a ref name";
  if (ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.startsWith('-')) return "starts with '/' or '-', or ends with '/' or '.', which git refuses in a ref name";
  if (ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) return "has a part that starts with '.' or ends with '.lock', which git refuses in a ref name";
  return undefined;
}

function repoUrlProblem(url: string): string | undefined {
  if (/^http:\/\//i.test(url)) return `is ${JSON.stringify(url)}: Argo CD would fetch over plain http://, where anyone on the path can change what is deployed; use https:// or ssh://`;
  if (/^git:\/\//i.test(url)) return `is ${JSON.stringify(url)}: the git:// protocol is unauthenticated and unencrypted; use https:// or ssh://`;
  if (secretValueReason(url) !== undefined) return `holds a password; Argo CD takes repository credentials from a repository Secret, never from the URL`;
  if (/^https:\/\/[^/\s]+\/\S+$/.test(url) || /^ssh:\/\/[^/\s]+\/\S+$/.test(url) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(url) || /^file:\/\/\/\S+$/.test(url)) {
    return undefined;
  }
  return `is ${JSON.stringify(url)}, which is not a git URL Argo CD accepts; use https://host/org/repo.git, ssh://git@host/org/repo.git or git@host:org/repo.git`;
}

function distPathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return `is ${JSON.stringify(path)}, an absolute path; Argo CD reads paths relative to the repository root, e.g. dist`;
  const parts = path.split('/');
  if (parts.includes('..')) return `is ${JSON.stringify(path)}, which leaves the repository; Argo CD refuses paths outside it: use a folder inside the repository such as dist`;
  if (path === '' || path === '.' || parts.every((p) => p === '.' || p === '')) return `is ${JSON.stringify(path)}, the repository root, where Argo CD would read apps/ and every other YAML file as manifests; use a folder such as dist`;
  if (parts.some((p) => p === '.' || p === '') ) return `is ${JSON.stringify(path)}, which is not normalised; write it as ${JSON.stringify(parts.filter((p) => p !== '.' && p !== '').join('/'))}`;
  return undefined;
}

function clusterProblem(url: string): string | undefined {
  if (!/^https:\/\//.test(url)) return `is ${JSON.stringify(url)}; an API server URL starts with https:// (in-cluster: https://kubernetes.default.svc)`;
  if (secretValueReason(url) !== undefined || /^https:\/\/[^/]*@/.test(url)) return 'holds credentials; Argo CD takes cluster credentials from its cluster Secret, never from the URL';
  if (url.endsWith('/')) return `is ${JSON.stringify(url)} with a trailing '/'; Argo CD matches destination servers exactly, so write ${JSON.stringify(url.replace(/\/+$/, ''))}`;
  if (!/^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/.test(url)) return `is ${JSON.stringify(url)}, which is not an https://host[:port][/path] URL`;
  return undefined;
}

export function checkPlatformRules(platform: PlatformSpec): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, problem: string) => problems.push({ path, problem });
  const repo = repoUrlProblem(platform.repoURL);
  if (repo !== undefined) add('repoURL', repo);
  const ref = refNameProblem(platform.targetRevision);
  if (ref !== undefined) add('targetRevision', `${JSON.stringify(platform.targetRevision)} ${ref}; name a branch, a tag or a commit`);
  if (platform.distPath !== undefined) {
    const dist = distPathProblem(platform.distPath);
    if (dist !== undefined) add('distPath', dist);
  }
  for (const [env, e] of Object.entries(platform.environments)) {
    const problem = clusterProblem(e.cluster);
    if (problem !== undefined) add(`environments.${env}.cluster`, problem);
  }
  const schedule = platform.storage?.backupSchedule;
  if (schedule !== undefined) {
    const problem = cronProblem(schedule);
    if (problem !== undefined) add('storage.backupSchedule', `${JSON.stringify(schedule)} is not a valid cron schedule: ${problem}`);
  }
  return problems;
}

/** Namespaces a system may never use: Kubernetes' own, Argo CD's and every add-on's of platform.yaml. */
export function reservedNamespaces(platform: PlatformSpec): Map<string, string> {
  const reserved = new Map<string, string>([
    ['default', "Kubernetes' default namespace, shared by everything that names none"],
    ['argocd', "Argo CD's namespace"],
    ['longhorn-system', "Longhorn's namespace"],
    ['cert-manager', "cert-manager's namespace"],
    ['ingress-nginx', "the ingress controller's namespace"],
    ['monitoring', "the monitoring stack's namespace"],
  ]);
  // Every namespace platform.yaml names (argocd.namespace, ingress.controllerNamespace, ...,
  // and whatever add-on settings come next) belongs to the platform.
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string' && /(^|\.)(namespace|[a-zA-Z]+Namespace)$/.test(path)) reserved.set(value, `the namespace platform.yaml's ${path} names`);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
  };
  walk(platform, '');
  return reserved;
}
