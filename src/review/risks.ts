/**
 * Changes to dist/ that a reviewer must not miss, found by comparing each changed manifest
 * before and after: data that can be lost (a PersistentVolumeClaim deleted or shrunk, a
 * Namespace removed), a workload scaled to zero, a new privileged setting, and an image that
 * moves to a tag that is not pinned.
 */
import { load } from 'js-yaml';
import type { FileChange } from '../cli/diff-command';

export type RiskKind = 'volume-deleted' | 'volume-shrunk' | 'namespace-removed' | 'scaled-to-zero' | 'privileged' | 'unpinned-image';

export interface Risk {
  readonly kind: RiskKind;
  /** The file of dist/ it is in, relative to dist/. */
  readonly path: string;
  /** `Kind name` of the object. */
  readonly object: string;
  /** One sentence: what changes and what follows from it. */
  readonly message: string;
}

/** Parsed YAML below the fields the checks name: they probe it defensively. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function parse(text: string): Json | undefined {
  if (text === '') return undefined;
  try {
    const doc = load(text);
    return typeof doc === 'object' && doc !== null ? doc : undefined;
  } catch {
    return undefined; // a hand-edited file that no longer parses has no fields to compare
  }
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50 };

/** Bytes of a storage quantity (any unit Kubernetes accepts for sizes), or undefined. */
export function storageBytes(q: unknown): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)$/.exec(String(q ?? ''));
  return m === null ? undefined : Number(m[1]) * SIZE_UNITS[m[2]];
}

/** Requested sizes of the claims an object makes: a PVC's own, or a StatefulSet's templates. */
function claims(o: Json): Map<string, string> {
  const out = new Map<string, string>();
  if (o?.kind === 'PersistentVolumeClaim') {
    const size = o.spec?.resources?.requests?.storage;
    if (size !== undefined) out.set(o.metadata?.name ?? '', String(size));
  }
  if (o?.kind === 'StatefulSet') {
    for (const t of o.spec?.volumeClaimTemplates ?? []) {
      const size = t?.spec?.resources?.requests?.storage;
      if (size !== undefined) out.set(`${t.metadata?.name ?? ''} (volumeClaimTemplates)`, String(size));
    }
  }
  return out;
}

/** The pod spec of a workload or a Pod, or undefined for other kinds. */
function podSpec(o: Json): Json | undefined {
  switch (o?.kind) {
    case 'Pod':
      return o.spec;
    case 'CronJob':
      return o.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return o.spec?.template?.spec;
    default:
      return undefined;
  }
}

function containers(pod: Json): Json[] {
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? []), ...(pod?.ephemeralContainers ?? [])];
}

/**
 * Settings that widen what a pod may do on its node, each as `<where>: <setting>`: privileged
 * containers, privilege escalation, added capabilities, the host's namespaces and paths,
 * running as root.
 */
export function privilegedSettings(o: Json): Set<string> {
  const found = new Set<string>();
  const pod = podSpec(o);
  if (pod === undefined) return found;
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[field] === true) found.add(`pod: ${field}: true`);
  for (const v of pod.volumes ?? []) if (v?.hostPath !== undefined) found.add(`pod: volume ${v.name} is a hostPath (${v.hostPath.path})`);
  if (pod.securityContext?.runAsNonRoot === false) found.add('pod: runAsNonRoot: false');
  if (pod.securityContext?.runAsUser === 0) found.add('pod: runAsUser: 0');
  for (const c of containers(pod)) {
    const sc = c?.securityContext ?? {};
    const where = `container ${c?.name}`;
    if (sc.privileged === true) found.add(`${where}: privileged: true`);
    if (sc.allowPrivilegeEscalation === true) found.add(`${where}: allowPrivilegeEscalation: true`);
    if (sc.runAsNonRoot === false) found.add(`${where}: runAsNonRoot: false`);
    if (sc.runAsUser === 0) found.add(`${where}: runAsUser: 0`);
    for (const cap of sc.capabilities?.add ?? []) found.add(`${where}: capability ${cap} added`);
    for (const p of c?.ports ?? []) if (p?.hostPort !== undefined) found.add(`${where}: hostPort ${p.hostPort}`);
  }
  return found;
}

/** Whether an image reference names a digest or a tag other than latest. */
export function isPinned(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon > 0 && lastSegment.slice(colon + 1) !== 'latest' && lastSegment.slice(colon + 1) !== '';
}

function images(o: Json): Map<string, string> {
  return new Map(containers(podSpec(o)).map((c) => [String(c?.name), String(c?.image ?? '')]));
}

function replicas(o: Json): number | undefined {
  return ['Deployment', 'StatefulSet', 'ReplicaSet'].includes(o?.kind) && typeof o.spec?.replicas === 'number' ? o.spec.replicas : undefined;
}

/** Every risk in a set of changes, in the order of the changes. */
export function findRisks(changes: readonly FileChange[]): Risk[] {
  const risks: Risk[] = [];
  for (const c of changes) {
    if (!c.path.endsWith('.yaml')) continue;
    const before = parse(c.before);
    const after = parse(c.after);
    const o = after ?? before;
    const object = `${o?.kind ?? 'object'} ${o?.metadata?.name ?? c.path}`;
    const add = (kind: RiskKind, message: string) => risks.push({ kind, path: c.path, object, message });

    const was = claims(before);
    const now = claims(after);
    for (const [name, size] of was) {
      const next = now.get(name);
      if (next === undefined) {
        add('volume-deleted', `claim ${name} (${size}) is no longer generated: Argo CD keeps the volume (Prune=false), but nothing mounts it, and a claim under a new name starts empty`);
      } else {
        const [a, b] = [storageBytes(size), storageBytes(next)];
        if (a !== undefined && b !== undefined && b < a) add('volume-shrunk', `claim ${name} shrinks from ${size} to ${next}: Kubernetes cannot shrink a volume, so the sync fails; keep ${size} or migrate the data to a new claim`);
      }
    }
    if (before?.kind === 'Namespace' && after === undefined) add('namespace-removed', `Namespace ${before.metadata?.name} is removed: deleting it deletes everything in it, volumes' claims included`);
    const r0 = replicas(before);
    const r1 = replicas(after);
    if (r1 === 0 && r0 !== 0 && after !== undefined) add('scaled-to-zero', `replicas goes from ${r0 ?? 'unset (1)'} to 0: the workload stops serving`);
    const privilegedBefore = privilegedSettings(before);
    for (const setting of privilegedSettings(after)) if (!privilegedBefore.has(setting)) add('privileged', `new privileged setting: ${setting}`);
    const imagesBefore = images(before);
    for (const [name, image] of images(after)) {
      const old = imagesBefore.get(name);
      if (!isPinned(image) && (old === undefined || isPinned(old))) {
        add('unpinned-image', `container ${name} ${old === undefined ? 'uses' : `moves from ${old} to`} ${image}, which is not pinned by a tag or digest: every pull may run different code`);
      }
    }
  }
  return risks;
}
