/**
 * Rules across systems and environments, per cluster: two environments on one cluster are one
 * place, so
 * - each namespace belongs to one system in one environment (two owners would prune each
 *   other's objects);
 * - each host (ingress.host, ingress.hosts, a redirect's source) belongs to one system: the
 *   system's certificate covers it, with Gateway API its listener admits only that system's
 *   namespace, and with ingress-nginx two systems on one host and path are merged into one
 *   server where object age, not the spec, decides which backend answers.
 */
import type { PlatformSpec } from '../platform.generated';
import { SpecError } from '../errors';
import type { SystemFacts } from '../facts';
import { names } from '../../model/names';

export function checkAcrossSystems(systems: ReadonlyArray<{ readonly file: string; readonly facts: SystemFacts }>, platform: PlatformSpec): SpecError[] {
  const errors: SpecError[] = [];
  const clusterOf = (env: string) => platform.environments[env]?.cluster ?? env;
  const namespaces = new Map<string, string>();
  const hosts = new Map<string, { file: string; env: string }>();
  for (const s of systems) {
    for (const [env, spec] of s.facts) {
      const ns = names.namespace(spec.name, env, spec.namespace);
      const key = `${clusterOf(env)} ${ns}`;
      const owner = `${s.file} in ${env}`;
      const other = namespaces.get(key);
      if (other !== undefined) {
        errors.push(new SpecError(s.file, 'namespace', `namespace ${ns} in ${env} is already used by ${other}${other.endsWith(` in ${env}`) ? '' : ' on the same cluster'}; each system needs its own namespace in each environment: set 'namespace' per environment`));
      } else namespaces.set(key, owner);
      const ingress = spec.ingress;
      if (ingress === undefined) continue;
      const claimed: Array<[string, string]> = [
        [ingress.host, 'ingress.host'],
        ...(ingress.hosts ?? []).map((h, i): [string, string] => [h, `ingress.hosts[${i}]`]),
        ...(ingress.redirects ?? []).map((r, i): [string, string] => [r.from, `ingress.redirects[${i}].from`]),
      ];
      for (const [host, at] of claimed) {
        const key = `${clusterOf(env)} ${host}`;
        const first = hosts.get(key);
        if (first === undefined) hosts.set(key, { file: s.file, env });
        else if (first.file !== s.file) {
          const where = first.env === env ? `in ${env}` : `in ${first.env} on the same cluster`;
          errors.push(
            new SpecError(
              s.file,
              at,
              `serves ${host} in ${env}, which ${first.file} serves too ${where}; a host belongs to one system (one certificate, one Gateway listener, and ingress-nginx would pick the backend of a shared path by object age): give each system its own host`,
            ),
          );
        }
      }
    }
  }
  return errors;
}
