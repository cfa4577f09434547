/**
 * What is read of every system at once, as opposed to the one system a pair builds: the rules
 * across systems (namespaces and hosts per cluster, src/spec/rules/cross-system.ts), the
 * Gateway's listener count (gatewayOverflows), and the layout of dist/ (which environments a
 * system deploys to, and its folder name in each). The spec cache keeps these beside each spec
 * (src/synth/spec-cache.ts), so an incremental run reads them, not the merged specs, for the
 * systems it does not rebuild.
 */
import type { AppSpec, HostRedirect } from './app-spec.generated';

/** One environment of a system, as the rules across systems and the layout of dist/ read it. */
export interface EnvironmentFacts {
  /** The system's name (its folder under dist/<env>/). */
  readonly name: string;
  /** The namespace the spec sets, if any (names.namespace derives the one used). */
  readonly namespace?: string;
  /** The hosts the system claims, and whether it serves them with TLS. */
  readonly ingress?: {
    readonly host: string;
    readonly hosts?: readonly string[];
    readonly redirects?: ReadonlyArray<Pick<HostRedirect, 'from'>>;
    readonly tls?: boolean;
  };
}

/** By environment (sorted, as LoadedSystem.environments), what it deploys there. */
export type SystemFacts = ReadonlyMap<string, EnvironmentFacts>;

/** The facts of each merged environment spec. */
export function factsOf(environments: ReadonlyMap<string, AppSpec>): Map<string, EnvironmentFacts> {
  const facts = new Map<string, EnvironmentFacts>();
  for (const [env, spec] of environments) {
    const ingress = spec.ingress;
    facts.set(env, {
      name: spec.name,
      ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
      ...(ingress === undefined
        ? {}
        : {
            ingress: {
              host: ingress.host,
              ...(ingress.hosts === undefined ? {} : { hosts: [...ingress.hosts] }),
              ...(ingress.redirects === undefined ? {} : { redirects: ingress.redirects.map((r) => ({ from: r.from })) }),
              ...(ingress.tls === undefined ? {} : { tls: ingress.tls }),
            },
          }),
    });
  }
  return facts;
}
