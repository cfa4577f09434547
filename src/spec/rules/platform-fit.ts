/**
 * Rules that need the environment and platform.yaml besides the spec:
 * - the system's namespace in each environment is not reserved: `default`, `kube-*`, Argo CD's
 *   and the add-ons' (see reservedNamespaces), where another owner's objects and policies live;
 * - `<system>-<environment>` (the default namespace, and the `app.kubernetes.io/instance`
 *   label of every object) is a DNS label of at most 63 characters;
 * - an ingress with TLS needs a certificate issuer for the environment in platform.yaml, or
 *   cert-manager has nothing to issue the certificate with and the host serves no valid TLS.
 */
import type { AppSpec } from '../app-spec.generated';
import type { Problem } from '../errors';
import type { PlatformSpec } from '../platform.generated';
import { reservedNamespaces } from '../platform-rules';

const DNS_LABEL_MAX = 63;

export function checkPlatformFit(spec: AppSpec, env: string, platform: PlatformSpec): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, problem: string) => problems.push({ path, problem });
  const composed = `${spec.name}-${env}`;
  const namespace = spec.namespace ?? composed;
  const field = spec.namespace !== undefined ? 'namespace' : 'name';
  const how = spec.namespace !== undefined ? `is ${JSON.stringify(namespace)}` : `gives the namespace ${JSON.stringify(namespace)} in ${env} (<name>-<environment>)`;
  const reserved = reservedNamespaces(platform).get(namespace) ?? (namespace.startsWith('kube-') ? "reserved for Kubernetes' own components (kube-*)" : undefined);
  if (reserved !== undefined) add(field, `${how}, which is ${reserved}; a system needs a namespace of its own: set 'namespace' to another name`);
  if (composed.length > DNS_LABEL_MAX) {
    add('name', `with the environment ${JSON.stringify(env)} makes ${JSON.stringify(composed)}, ${composed.length} characters; the namespace and the app.kubernetes.io/instance label allow ${DNS_LABEL_MAX}: shorten the system or environment name`);
  }
  const ingress = spec.ingress;
  if (ingress !== undefined && (ingress.tls ?? true)) {
    const issuer = platform.environments[env]?.certificates ?? platform.certificates;
    if (issuer === undefined) {
      add('ingress.tls', `is on${ingress.tls === undefined ? ' (the default)' : ''} but platform.yaml configures no certificate issuer for ${env} ('certificates' or 'environments.${env}.certificates'), so cert-manager cannot issue ${ingress.host}'s certificate; configure one, or set tls: false`);
    }
  }
  return problems;
}
