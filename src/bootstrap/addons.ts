/**
 * The cluster add-ons an environment relies on, and which of them a cluster lacks. Argo CD
 * cannot sync a custom resource whose CRD is not installed, nor deploy into a namespace that
 * only an add-on's installer creates (the platform Application fails with
 * `namespaces "longhorn-system" not found`), so bootstrap checks them before applying anything.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { LONGHORN_NAMESPACE } from '../../charts/platform-chart';
import type { ResolvedPlatform } from '../model/context';

/** Add-on names by API group, for messages; other groups are named by the group itself. */
const ADDON_OF_GROUP: Readonly<Record<string, string>> = {
  'longhorn.io': 'Longhorn',
  'cert-manager.io': 'cert-manager',
  'external-secrets.io': 'External Secrets',
  'bitnami.com': 'sealed-secrets',
  'monitoring.coreos.com': 'prometheus-operator',
  'gateway.networking.k8s.io': 'Gateway API',
  'keda.sh': 'KEDA',
};

/** Something an add-on installs that the environment needs: a kind it serves or a namespace. */
export type AddonRequirement =
  | { readonly addon: string; readonly type: 'kind'; readonly apiVersion: string; readonly kind: string }
  | { readonly addon: string; readonly type: 'namespace'; readonly name: string };

// Folders of dist/<env>/ that bootstrap itself applies or whose kinds preflight already checks.
const NOT_SYNCED_CONTENT = new Set(['bootstrap', 'apps']);

/** Custom kinds (those of a non-core API group with a dot, as CRD groups must have) in dist/<env>/. */
function customKinds(distDir: string, env: string): Array<{ apiVersion: string; kind: string }> {
  const root = join(distDir, env);
  if (!existsSync(root)) return [];
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const folder of readdirSync(root).sort()) {
    if (NOT_SYNCED_CONTENT.has(folder)) continue;
    const dir = join(root, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of loadAll(readFileSync(join(dir, file), 'utf8'))) {
        const o = doc as { apiVersion?: unknown; kind?: unknown } | null;
        if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
        const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
        // Built-in groups are either core ('') or end in .k8s.io; Gateway API is a CRD group under it.
        const builtIn = group === '' || !group.includes('.') || (group.endsWith('.k8s.io') && group !== 'gateway.networking.k8s.io');
        if (!builtIn) kinds.set(`${o.apiVersion}/${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
      }
    }
  }
  return [...kinds.values()].sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
}

/**
 * What the environment needs from its add-ons: the custom kinds its synthesized manifests use
 * and the namespaces platform.yaml names (Longhorn's, the ingress controller's, monitoring's).
 */
export function addonRequirements(distDir: string, platform: ResolvedPlatform): AddonRequirement[] {
  const kinds: AddonRequirement[] = customKinds(distDir, platform.env).map((k) => ({
    addon: ADDON_OF_GROUP[k.apiVersion.split('/')[0]] ?? k.apiVersion.split('/')[0],
    type: 'kind',
    apiVersion: k.apiVersion,
    kind: k.kind,
  }));
  const namespaces: AddonRequirement[] = [
    { addon: 'Longhorn', type: 'namespace', name: LONGHORN_NAMESPACE },
    { addon: 'the ingress controller', type: 'namespace', name: platform.ingressControllerNamespace },
    { addon: 'monitoring', type: 'namespace', name: platform.monitoringNamespace },
  ];
  return [...namespaces, ...kinds];
}

/** One line naming every missing add-on and what of it is missing, or undefined when none is. */
export function describeMissingAddons(missing: readonly AddonRequirement[]): string | undefined {
  if (missing.length === 0) return undefined;
  const byAddon = new Map<string, string[]>();
  for (const r of missing) {
    const what = r.type === 'namespace' ? `namespace ${r.name}` : `${r.apiVersion} ${r.kind}`;
    byAddon.set(r.addon, [...(byAddon.get(r.addon) ?? []), what]);
  }
  const list = [...byAddon.entries()].map(([addon, whats]) => `${addon} (${whats.join(', ')})`).join(', ');
  return `add-ons this environment relies on are missing in the cluster: ${list}; install them, then run bootstrap again (nothing was applied)`;
}
