/**
 * Limits the API server enforces on every object, checked on what synth emits (after the
 * spec's YAML aliases are expanded and every name is composed), so that no object of dist/ is
 * refused at sync time:
 * - the serialized object stays under 1 MiB (ConfigMaps and Secrets are refused above it, and
 *   etcd refuses requests not much larger);
 * - metadata.name: a DNS subdomain (253), a DNS label (63) for Namespaces and Services, at most
 *   52 characters for CronJobs (the controller appends 11) and 63 for Jobs (the name becomes the
 *   `job-name` label of its pods);
 * - label keys and values (metadata, pod templates, selectors): values of at most 63 characters
 *   of [A-Za-z0-9_.-], starting and ending alphanumeric;
 * - pod volume names: DNS labels, unique in the pod; ConfigMap keys: [-._a-zA-Z0-9]+, at most 253;
 * - every container image obeys the reference grammar and is pinned (database, cache and
 *   backup images included, whether they come from the spec or from defaults).
 */
import { imageReferenceProblem } from '../spec/image-reference';
import type { Manifest } from '../model/manifest';

export const MAX_OBJECT_BYTES = 1024 * 1024;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

const NAME_LIMITS: Record<string, { readonly max: number; readonly label: boolean }> = {
  Namespace: { max: 63, label: true },
  Service: { max: 63, label: true },
  CronJob: { max: 52, label: false },
  Job: { max: 63, label: false },
};

function nameProblem(kind: string, name: string): string | undefined {
  const limit = NAME_LIMITS[kind] ?? { max: 253, label: false };
  if (name.length > limit.max) return `metadata.name ${JSON.stringify(name)} is ${name.length} characters; a ${kind} name has at most ${limit.max}: shorten the system, component or task name`;
  if (!(limit.label ? DNS_LABEL : DNS_SUBDOMAIN).test(name)) return `metadata.name ${JSON.stringify(name)} is not a DNS ${limit.label ? 'label' : 'subdomain'} (lower-case letters, digits, '-'${limit.label ? '' : ", '.'"})`;
  return undefined;
}

function labelProblems(labels: unknown, where: string): string[] {
  if (labels === null || typeof labels !== 'object') return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    const slash = key.lastIndexOf('/');
    const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
    if ((prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) || name.length > 63 || !LABEL_NAME.test(name)) {
      problems.push(`${where} key ${JSON.stringify(key)} is not a label key (an optional DNS-subdomain prefix and '/', then at most 63 characters)`);
    }
    const v = String(value);
    if (v.length > 63 || !LABEL_VALUE.test(v)) {
      problems.push(`${where} ${key}=${JSON.stringify(v)} is not a label value: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit; shorten the names it is made of`);
    }
  }
  return problems;
}

interface PodSpecLike {
  readonly containers?: Array<{ readonly name?: string; readonly image?: string }>;
  readonly initContainers?: Array<{ readonly name?: string; readonly image?: string }>;
  readonly volumes?: Array<{ readonly name?: string }>;
}

function podProblems(pod: PodSpecLike | undefined, where: string): string[] {
  if (pod === undefined) return [];
  const problems: string[] = [];
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const problem = c.image === undefined ? undefined : imageReferenceProblem(c.image);
    if (problem !== undefined) problems.push(`${where} container ${c.name ?? '?'}: the image ${JSON.stringify(c.image)} ${problem}`);
  }
  const seen = new Set<string>();
  for (const v of pod.volumes ?? []) {
    const name = v.name ?? '';
    if (name.length > 63 || !DNS_LABEL.test(name)) problems.push(`${where} volume ${JSON.stringify(name)} is not a DNS label of at most 63 characters`);
    if (seen.has(name)) problems.push(`${where} has two volumes named ${JSON.stringify(name)}; pod volume names must be unique`);
    seen.add(name);
  }
  return problems;
}

type Template = { metadata?: { labels?: unknown }; spec?: PodSpecLike };

/** Pod templates of workloads: Deployment/StatefulSet/Job (spec.template), CronJob (spec.jobTemplate.spec.template). */
function templatesOf(m: Manifest): Array<[string, Template]> {
  const spec = m.spec as { template?: Template; jobTemplate?: { spec?: { template?: Template } }; selector?: { matchLabels?: unknown } } | undefined;
  const out: Array<[string, Template]> = [];
  if (spec?.template !== undefined) out.push(['spec.template', spec.template]);
  if (spec?.jobTemplate?.spec?.template !== undefined) out.push(['spec.jobTemplate.spec.template', spec.jobTemplate.spec.template]);
  return out;
}

/**
 * Bytes of YAML below which an object's JSON is surely under MAX_OBJECT_BYTES: JSON is at most
 * twice as long as the YAML synth writes for the same object (each key and value costs it no
 * more than two characters of quotes and separators beyond the YAML's own, and each escape at
 * most twice a literal block's character, as `\t` for a tab), in the same UTF-8;
 * test/object-limits.test.ts checks the bound on every object of dist/ and on awkward strings.
 */
export const SURELY_SMALL_YAML_BYTES = MAX_OBJECT_BYTES / 2 - 4096;

/**
 * What the API server would refuse in this object; empty when it would take it. `yamlBytes`,
 * the size of its YAML when it is made already, spares a small object's serialization.
 */
export function objectLimitProblems(m: Manifest, yamlBytes?: number): string[] {
  const problems: string[] = [];
  const bytes = yamlBytes !== undefined && yamlBytes < SURELY_SMALL_YAML_BYTES ? 0 : Buffer.byteLength(JSON.stringify(m));
  if (bytes > MAX_OBJECT_BYTES) {
    problems.push(`is ${bytes} bytes once built (YAML aliases in the spec expanded); Kubernetes refuses objects over ${MAX_OBJECT_BYTES} bytes: make the config files or values smaller`);
  }
  const name = nameProblem(m.kind, m.metadata.name);
  if (name !== undefined) problems.push(name);
  problems.push(...labelProblems(m.metadata.labels, 'metadata.labels'));
  const selector = (m.spec as { selector?: { matchLabels?: unknown } } | undefined)?.selector;
  problems.push(...labelProblems(selector?.matchLabels, 'spec.selector.matchLabels'));
  for (const [where, t] of templatesOf(m)) {
    problems.push(...labelProblems(t.metadata?.labels, `${where}.metadata.labels`));
    problems.push(...podProblems(t.spec, `${where}.spec`));
  }
  if (m.kind === 'ConfigMap') {
    for (const key of Object.keys({ ...(m.data as object | undefined), ...(m.binaryData as object | undefined) })) {
      if (key.length > 253 || !CONFIGMAP_KEY.test(key)) problems.push(`data key ${JSON.stringify(key.slice(0, 60))} is not a ConfigMap key ([-._a-zA-Z0-9]+, at most 253 characters)`);
    }
  }
  return problems;
}
