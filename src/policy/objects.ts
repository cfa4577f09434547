/**
 * The objects the policy rules look at: one folder of dist/ (dist/<env>/<system|platform|apps|
 * bootstrap>/) with its objects, and the pod templates inside them. Synth builds folders from
 * the objects it is about to write; test/policy.test.ts builds them from the committed files.
 */
import type { Manifest } from '../model/manifest';

/** Parsed YAML below the fields the rules name: the rules probe it defensively. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/**
 * An object as the rules read it: the one Manifest type (src/model/manifest.ts), with every
 * field below apiVersion, kind and metadata's name and namespace probed loosely.
 */
export type K8sObject = Manifest & { readonly metadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> }; readonly [field: string]: Json };

export interface Doc {
  /** Path relative to dist/, e.g. production/magnetiq/deployment-magnetiq-backend.yaml. */
  readonly file: string;
  readonly obj: K8sObject;
}

/** One folder of dist/ (dist/<env>/<system|platform|apps|bootstrap>/) with its objects. */
export interface Folder {
  readonly path: string;
  readonly docs: readonly Doc[];
}

export interface PodTemplate {
  readonly doc: Doc;
  /** `Deployment/name` and, for CronJobs, the path to the template. */
  readonly where: string;
  readonly labels: Record<string, string>;
  readonly spec: Json;
  /** Deployments and StatefulSets: pods meant to keep running (probes, anti-affinity, PDB). */
  readonly longRunning: boolean;
}

export function podTemplates(docs: readonly Doc[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const doc of docs) {
    const o = doc.obj;
    const where = `${doc.file} (${o.kind}/${o.metadata.name})`;
    const add = (template: Json, longRunning: boolean) =>
      out.push({ doc, where, labels: template?.metadata?.labels ?? {}, spec: template?.spec ?? {}, longRunning });
    switch (o.kind) {
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
        add(o.spec?.template, true);
        break;
      case 'Job':
        add(o.spec?.template, false);
        break;
      case 'CronJob':
        add(o.spec?.jobTemplate?.spec?.template, false);
        break;
      case 'Pod':
        add({ metadata: o.metadata, spec: o.spec }, false);
        break;
    }
  }
  return out;
}

export function containersOf(spec: Json): Json[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Kubernetes label-selector semantics for matchLabels (matchExpressions are never emitted here). */
export function selects(selector: Json, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === null) return false;
  if (selector.matchExpressions !== undefined && selector.matchExpressions.length > 0) return false;
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

export function isEmptySelector(selector: Json): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}

/** A quantity that asks for something: set and not zero. */
export function positiveQuantity(q: unknown): boolean {
  if (q === undefined || q === null) return false;
  return !/^0+(\.0*)?[a-zA-Z]*$/.test(String(q));
}
