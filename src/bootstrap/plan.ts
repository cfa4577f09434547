/**
 * What bootstrap applies to a new cluster: the committed objects of dist/<env>/bootstrap/
 * (namespaces, AppProjects, the Application health check, the root app-of-apps) and the
 * Secrets of systems whose secrets mode is `bootstrap`, with values read from environment
 * variables. Values stay in memory: never printed, never written to disk.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { systemContext, resolvePlatform } from '../model/context';
import { names, systemLabels } from '../model/names';
import type { LoadedSpecs } from '../spec/load';
import type { Manifest } from '../model/manifest';
import { backupStoreSecretsPlan } from './backup-store-secrets';

/** A Kubernetes object as bootstrap applies it. */
export type BootstrapObject = Manifest;

export class BootstrapError extends Error {}

// Namespaces first (everything else lives in one), the root Application last (it starts the sync).
const ORDER = ['Namespace', 'AppProject', 'ConfigMap', 'Secret', 'Application'];

export function applyOrder(objects: readonly BootstrapObject[]): BootstrapObject[] {
  const rank = (o: BootstrapObject) => {
    const i = ORDER.indexOf(o.kind);
    return i < 0 ? ORDER.length : i;
  };
  return [...objects].sort((a, b) => rank(a) - rank(b) || `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
}

/** The committed objects of dist/<env>/bootstrap/. */
export function bootstrapObjects(distDir: string, env: string): BootstrapObject[] {
  const folder = join(distDir, env, 'bootstrap');
  if (!existsSync(folder)) {
    throw new BootstrapError(`${folder} does not exist: run npm run synth first (is ${env} an environment of platform.yaml?)`);
  }
  return readdirSync(folder)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => load(readFileSync(join(folder, f), 'utf8')) as BootstrapObject);
}

/** Environment variable that holds a bootstrap secret value: MEMO_AI_COACH_JWT_SECRET_KEY. */
export function secretVariable(system: string, key: string): string {
  return `${system.replace(/-/g, '_').toUpperCase()}_${key}`;
}

/** A Secret to create, with where each value comes from. */
export interface BootstrapSecret {
  readonly object: BootstrapObject;
  /** Environment variable names, by secret key. */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * The Secrets of bootstrap-mode systems in one environment, and the backup store's Secrets
 * when its credentials are mode bootstrap. Throws one line naming every missing variable, so
 * the user can export them all and run again.
 */
export function bootstrapSecrets(specs: LoadedSpecs, env: string, vars: Readonly<Record<string, string | undefined>>): BootstrapSecret[] {
  const missing: string[] = [];
  const secrets: BootstrapSecret[] = [];
  for (const system of specs.systems) {
    const spec = system.environments.get(env);
    if (spec?.secrets?.mode !== 'bootstrap') continue;
    const ctx = systemContext(spec, resolvePlatform(specs.platform, env));
    const stringData: Record<string, string> = {};
    const variables: Record<string, string> = {};
    for (const key of [...spec.secrets.keys].sort()) {
      const variable = secretVariable(ctx.system, key);
      variables[key] = variable;
      const value = vars[variable];
      if (value === undefined || value === '') missing.push(variable);
      else stringData[key] = value;
    }
    secrets.push({
      variables,
      object: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: names.secret(ctx), namespace: ctx.namespace, labels: systemLabels(ctx) },
        type: 'Opaque',
        stringData,
      },
    });
  }
  const store = backupStoreSecretsPlan(specs, env, vars);
  missing.push(...store.missing);
  secrets.push(...store.secrets);
  if (missing.length > 0) {
    throw new BootstrapError(`missing environment variable${missing.length === 1 ? '' : 's'} for bootstrap secrets: ${missing.join(', ')} (export each, then run again)`);
  }
  return secrets;
}
