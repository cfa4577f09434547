/**
 * What the rest of an environment needs to know about one synthesized system, as a typed
 * summary instead of its manifests: the Argo CD side (argocd/environment-charts.ts) lists the
 * kinds a system emits in its AppProject and ignores /spec/replicas of autoscaled Deployments.
 * A summary is small and crosses threads cheaply (src/synth/parallel.ts); a cache can keep it
 * beside a pair's files.
 */
import type { SystemContext } from './context';
import { componentsOf, isAutoscaled } from './context';
import type { Manifest } from './manifest';
import { names } from './names';

/** One system in one environment, as synthesized: its context and every object. */
export interface SynthesizedSystem {
  readonly ctx: SystemContext;
  readonly manifests: readonly Manifest[];
}

/** A kind an environment folder holds, with its API group ('' for core) and scope. */
export interface EmittedKind {
  readonly group: string;
  readonly kind: string;
  /** Whether objects of the kind carry a namespace (false: cluster-scoped). */
  readonly namespaced: boolean;
}

/** The summary of one system in one environment. */
export interface SystemSummary {
  readonly ctx: SystemContext;
  /** Every kind emitted, once each, sorted by group/kind then scope. */
  readonly kinds: readonly EmittedKind[];
  /** Names of the Deployments an HPA scales, sorted. */
  readonly autoscaledDeployments: readonly string[];
}

/** The kinds of a set of manifests, once each, in a stable order. */
export function emittedKinds(manifests: readonly Manifest[]): EmittedKind[] {
  const unique = new Map<string, EmittedKind>();
  for (const m of manifests) {
    const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : '';
    const namespaced = m.metadata.namespace !== undefined;
    unique.set(`${group}/${m.kind}/${namespaced}`, { group, kind: m.kind, namespaced });
  }
  return [...unique.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, k]) => k);
}

/** The summary of a synthesized system; which Deployments autoscale comes from the model. */
export function summarize(s: SynthesizedSystem): SystemSummary {
  const autoscaledDeployments = componentsOf(s.ctx)
    .filter(([name]) => isAutoscaled(s.ctx, name))
    .map(([name]) => names.component(s.ctx, name))
    .sort();
  return { ctx: s.ctx, kinds: emittedKinds(s.manifests), autoscaledDeployments };
}
