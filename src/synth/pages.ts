/**
 * The Markdown page of one system in one environment (dist/<env>/<system>/README.md): a
 * Mermaid flowchart of how traffic and data flow (Ingress -> Services -> workloads -> volumes)
 * and a table of what runs (images, replicas or autoscaling range, requests/limits, schedules).
 *
 * Built from the synthesized manifests, not from the spec, so the page shows exactly what
 * Argo CD applies. Pure function of its input: no timestamps, stable order. The Argo CD
 * Applications include only '*.yaml', so the page is never parsed as a manifest.
 */
import type { SynthesizedSystem } from '../model/summary';
import { escapeHatchSection } from '../escape/page';
import { cacheMode, databaseMode } from '../model/context';
import { names } from '../model/names';
import type { Manifest } from '../model/manifest';

interface Container {
  readonly name: string;
  readonly image: string;
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
}

interface PodSpec {
  readonly containers: readonly Container[];
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly persistentVolumeClaim?: { readonly claimName: string } }>;
}

/** A Deployment, StatefulSet, CronJob or Job: something that runs pods. */
interface Workload {
  readonly kind: string;
  readonly name: string;
  readonly component: string;
  readonly pod: PodSpec;
  readonly podLabels: Record<string, string>;
  readonly manifest: Manifest;
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'CronJob', 'Job'];

// Loosely typed reads of manifest fields: every manifest here has passed schema validation.
type Loose = any;

function workloadOf(m: Manifest): Workload | undefined {
  if (!WORKLOAD_KINDS.includes(m.kind)) return undefined;
  const spec = (m as Loose).spec;
  const template = m.kind === 'CronJob' ? spec.jobTemplate.spec.template : spec.template;
  const labels: Record<string, string> = (m.metadata.labels as Record<string, string> | undefined) ?? {};
  return {
    kind: m.kind,
    name: m.metadata.name,
    component: labels['app.kubernetes.io/component'] ?? m.metadata.name,
    pod: template.spec,
    podLabels: template.metadata?.labels ?? {},
    manifest: m,
  };
}

/** Mermaid node ids: letters, digits and '_' only, prefixed by kind so a Service and its Deployment differ. */
function nodeId(prefix: string, name: string): string {
  return `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** A Mermaid label in double quotes; '"' has to be an entity there. */
function label(...lines: string[]): string {
  return `"${lines.join('<br/>').replace(/"/g, '#quot;')}"`;
}

/** A Markdown table cell: pipes escaped, line breaks as <br>. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

function quantities(q: Record<string, string> | undefined): string {
  if (q === undefined) return '—';
  const parts = ['cpu', 'memory'].filter((k) => q[k] !== undefined).map((k) => `${k} ${q[k]}`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Replicas as the cluster will see them: the HPA range when one scales the workload. */
function replicasOf(w: Workload, hpas: readonly Manifest[]): string {
  if (w.kind === 'CronJob' || w.kind === 'Job') return '—';
  const hpa = hpas.find((h) => (h as Loose).spec.scaleTargetRef.kind === w.kind && (h as Loose).spec.scaleTargetRef.name === w.name);
  if (hpa !== undefined) {
    const spec = (hpa as Loose).spec;
    const cpu = (spec.metrics ?? []).find((x: Loose) => x.resource?.name === 'cpu')?.resource?.target?.averageUtilization;
    return `${spec.minReplicas ?? 1}–${spec.maxReplicas} (HPA${cpu === undefined ? '' : `, CPU ${cpu}%`})`;
  }
  return String((w.manifest as Loose).spec.replicas ?? 1);
}

function scheduleOf(w: Workload): string {
  if (w.kind === 'CronJob') return `\`${(w.manifest as Loose).spec.schedule}\``;
  const hook = (w.manifest.metadata.annotations as Record<string, string> | undefined)?.['argocd.argoproj.io/hook'];
  if (hook !== undefined) return `Argo CD ${hook} hook`;
  return '—';
}

function role(w: Workload, servedBy: ReadonlyMap<string, string[]>, ctx: SynthesizedSystem['ctx']): string {
  if (w.name === names.postgres(ctx)) return 'database';
  if (w.name === names.redis(ctx)) return 'cache';
  if (w.kind === 'CronJob') return 'scheduled job';
  if (w.kind === 'Job') return 'job';
  return (servedBy.get(w.name) ?? []).length > 0 ? 'web' : 'worker';
}

function workloadId(w: Workload): string {
  if (w.kind === 'StatefulSet') return nodeId('sts', w.name);
  if (w.kind === 'Deployment') return nodeId('deploy', w.name);
  return nodeId(w.kind.toLowerCase(), w.name);
}

/** Node shape by kind: Deployments as boxes, StatefulSets as double boxes, jobs as flags. */
function workloadNode(w: Workload, roleName: string, replicas: string): string {
  const isJob = w.kind === 'CronJob' || w.kind === 'Job';
  const text = label(`${w.kind} ${w.name}`, isJob ? roleName : `${roleName}, replicas ${replicas}`);
  if (isJob) return `${workloadId(w)}>${text}]`;
  if (w.kind === 'StatefulSet') return `${workloadId(w)}[[${text}]]`;
  return `${workloadId(w)}[${text}]`;
}

/** The page of one synthesized system; `specFile` is named in the header. */
export function systemPage(s: SynthesizedSystem, specFile: string): string {
  const { ctx } = s;
  const ofKind = (kind: string) => s.manifests.filter((m) => m.kind === kind).slice().sort((a, b) => byName(a.metadata, b.metadata));
  const workloads = s.manifests
    .map(workloadOf)
    .filter((w): w is Workload => w !== undefined)
    .sort((a, b) => WORKLOAD_KINDS.indexOf(a.kind) - WORKLOAD_KINDS.indexOf(b.kind) || byName(a, b));
  const services = ofKind('Service');
  const ingresses = ofKind('Ingress');
  const pvcs = ofKind('PersistentVolumeClaim');
  const hpas = ofKind('HorizontalPodAutoscaler');

  // Service name -> the workloads its selector picks, and the reverse.
  const serves = new Map<string, Workload[]>();
  const servedBy = new Map<string, string[]>();
  for (const svc of services) {
    const selector: Record<string, string> = (svc as Loose).spec.selector ?? {};
    const picked = workloads.filter((w) => (w.kind === 'Deployment' || w.kind === 'StatefulSet') && matches(selector, w.podLabels));
    serves.set(svc.metadata.name, picked);
    for (const w of picked) servedBy.set(w.name, [...(servedBy.get(w.name) ?? []), svc.metadata.name]);
  }

  const lines: string[] = [];
  const edges: string[] = [];
  lines.push('```mermaid', 'flowchart LR');
  lines.push(`  subgraph ns[${label(`namespace ${ctx.namespace}`)}]`, '    direction LR');
  for (const ing of ingresses) {
    const rules: Loose[] = (ing as Loose).spec.rules ?? [];
    const hosts = rules.map((r) => r.host).filter((h) => h !== undefined);
    lines.push(`    ${nodeId('ing', ing.metadata.name)}([${label(`Ingress ${ing.metadata.name}`, ...hosts)}])`);
    const pathsByService = new Map<string, string[]>();
    for (const rule of rules) {
      for (const p of rule.http?.paths ?? []) {
        const svc = p.backend.service.name as string;
        pathsByService.set(svc, [...(pathsByService.get(svc) ?? []), p.path]);
      }
    }
    for (const [svc, paths] of [...pathsByService].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      edges.push(`  ${nodeId('ing', ing.metadata.name)} -->|${label(paths.join(' '))}| ${nodeId('svc', svc)}`);
    }
  }
  for (const svc of services) {
    const ports: Loose[] = (svc as Loose).spec.ports ?? [];
    lines.push(`    ${nodeId('svc', svc.metadata.name)}(${label(`Service ${svc.metadata.name}`, ports.map((p) => `:${p.port}`).join(' '))})`);
    for (const w of serves.get(svc.metadata.name) ?? []) edges.push(`  ${nodeId('svc', svc.metadata.name)} --> ${workloadId(w)}`);
  }
  for (const w of workloads) {
    lines.push(`    ${workloadNode(w, role(w, servedBy, ctx), replicasOf(w, hpas))}`);
    for (const v of w.pod.volumes ?? []) {
      if (v.persistentVolumeClaim !== undefined) edges.push(`  ${workloadId(w)} --> ${nodeId('pvc', v.persistentVolumeClaim.claimName)}`);
    }
    for (const t of ((w.manifest as Loose).spec.volumeClaimTemplates ?? []) as Loose[]) {
      const id = nodeId('pvc', `${t.metadata.name}-${w.name}`);
      lines.push(`    ${id}[(${label(`volumeClaimTemplate ${t.metadata.name}`, t.spec.resources.requests.storage)})]`);
      edges.push(`  ${workloadId(w)} --> ${id}`);
    }
  }
  for (const pvc of pvcs) {
    const spec = (pvc as Loose).spec;
    lines.push(`    ${nodeId('pvc', pvc.metadata.name)}[(${label(`PVC ${pvc.metadata.name}`, `${spec.resources.requests.storage} ${(spec.accessModes ?? []).join(' ')}`)})]`);
  }
  // Calls between components (connectsTo in the spec), dotted: they are allowed, not routed.
  // A database or cache without a Service of its own is a managed one outside the cluster.
  const outside: string[] = [];
  const targetOf = (target: string): string | undefined => {
    const name = target === 'database' ? names.postgres(ctx) : target === 'cache' ? names.redis(ctx) : names.component(ctx, target);
    if (services.some((svc) => svc.metadata.name === name)) return nodeId('svc', name);
    const mode = target === 'database' ? databaseMode(ctx) : target === 'cache' ? cacheMode(ctx) : undefined;
    if (mode !== 'external') return undefined;
    if (!outside.includes(target)) outside.push(target);
    return nodeId('external', target);
  };
  for (const [component, spec] of Object.entries(ctx.spec.components).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const from = workloads.find((w) => w.name === names.component(ctx, component));
    for (const target of spec.connectsTo ?? []) {
      const to = targetOf(target);
      if (from !== undefined && to !== undefined) edges.push(`  ${workloadId(from)} -.->|calls| ${to}`);
    }
  }
  lines.push('  end');
  for (const target of outside) lines.push(`  ${nodeId('external', target)}[(${label(`external ${target}`, 'outside the cluster')})]`);
  lines.push(...edges, '```');

  const table = [
    '| Workload | Kind | Role | Image | Replicas | Requests | Limits | Schedule |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...workloads.map((w) => {
      const containers = w.pod.containers;
      return `| ${[
        w.name,
        w.kind,
        role(w, servedBy, ctx),
        containers.map((c) => `\`${c.image}\``).join('<br>'),
        replicasOf(w, hpas),
        containers.map((c) => quantities(c.resources?.requests)).join('<br>'),
        containers.map((c) => quantities(c.resources?.limits)).join('<br>'),
        scheduleOf(w),
      ]
        .map(cell)
        .join(' | ')} |`;
    }),
  ];

  const volumeTable =
    pvcs.length === 0
      ? []
      : [
          '',
          '## Volumes',
          '',
          '| Claim | Size | Access | Storage class | Mounted by |',
          '| --- | --- | --- | --- | --- |',
          ...pvcs.map((pvc) => {
            const spec = (pvc as Loose).spec;
            const users = workloads.filter((w) => (w.pod.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name)).map((w) => w.name);
            return `| ${[pvc.metadata.name, spec.resources.requests.storage, (spec.accessModes ?? []).join(', '), spec.storageClassName ?? '—', users.join(', ') || '—'].map(cell).join(' | ')} |`;
          }),
        ];

  const routes = ingresses.flatMap((ing) =>
    ((ing as Loose).spec.rules ?? []).flatMap((r: Loose) =>
      (r.http?.paths ?? []).map((p: Loose) => `| ${[`${r.host ?? '*'}${p.path}`, p.pathType, `${p.backend.service.name}:${p.backend.service.port.number ?? p.backend.service.port.name}`].map(cell).join(' | ')} |`),
    ),
  );
  const routeTable = routes.length === 0 ? [] : ['', '## Routes', '', '| URL | Match | Service |', '| --- | --- | --- |', ...routes];

  return [
    `# ${ctx.system} in ${ctx.env}`,
    '',
    `Generated by gitops-synth from ${specFile}. Do not edit: change the spec and run npm run synth.`,
    `Namespace \`${ctx.namespace}\`, ${s.manifests.length} objects in this folder.`,
    '',
    '## Diagram',
    '',
    ...lines,
    '',
    '## Workloads',
    '',
    ...table,
    ...volumeTable,
    ...routeTable,
    ...escapeHatchSection(ctx.spec),
    '',
  ].join('\n');
}
