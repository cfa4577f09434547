/**
 * Rules across systems and environments, per cluster: two environments on one cluster are one
 * place, so
 * - each namespace belongs to one system in one environment (two owners would prune each
 *   other's objects);
 * - each host and path is served by one system (ingress-nginx merges the rules, and which
 *   backend answers is decided by object age, not by the spec).
 */
import type { PlatformSpec } from '../platform.generated';
import { SpecError } from '../errors';
import type { LoadedSystem } from '../load';
import { names } from '../../model/names';

export function checkAcrossSystems(systems: readonly LoadedSystem[], platform: PlatformSpec): SpecError[] {
  const errors: SpecError[] = [];
  const clusterOf = (env: string) => platform.environments[env]?.cluster ?? env;
  const namespaces = new Map<string, string>();
  const routes = new Map<string, string>();
  for (const s of systems) {
    for (const [env, spec] of s.environments) {
      const ns = names.namespace(spec.name, env, spec.namespace);
      const key = `${clusterOf(env)} ${ns}`;
      const owner = `${s.file} in ${env}`;
      const other = namespaces.get(key);
      if (other !== undefined) {
        errors.push(new SpecError(s.file, 'namespace', `namespace ${ns} in ${env} is already used by ${other}${other.endsWith(` in ${env}`) ? '' : ' on the same cluster'}; each system needs its own namespace in each environment: set 'namespace' per environment`));
      } else namespaces.set(key, owner);
      const ingress = spec.ingress;
      if (ingress === undefined) continue;
      ingress.routes.forEach((route, i) => {
        const at = `${clusterOf(env)} ${ingress.host}${route.path}`;
        const first = routes.get(at);
        if (first !== undefined && !first.startsWith(`${s.file} `)) {
          errors.push(new SpecError(s.file, `ingress.routes[${i}].path`, `serves ${ingress.host}${route.path} in ${env}, which ${first} serves too on the same cluster; ingress-nginx would pick one by age: give each system its own host or path`));
        } else if (first === undefined) routes.set(at, `${s.file} in ${env}`);
      });
    }
  }
  return errors;
}
