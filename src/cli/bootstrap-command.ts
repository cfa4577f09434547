/**
 * `npm run bootstrap -- --env ENV [--context NAME] [--kubeconfig FILE] [--dry-run]`
 * Takes a cluster with Argo CD installed to "Argo CD is syncing everything": server-side
 * applies dist/<env>/bootstrap/ and creates the bootstrap-mode Secrets (apps' and, in
 * backupStore credentials mode bootstrap, the object store's) from environment variables. Idempotent: a second run reports nothing to do.
 * Exit codes: 0 done; 1 a failure (one line says what to do); 2 usage error.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { addonRequirements, describeMissingAddons } from '../bootstrap/addons';
import { applyObject, Cluster, connect, missingAddons, Outcome, preflight, waitForObjects } from '../bootstrap/cluster';
import { applyOrder, BootstrapError, bootstrapObjects, bootstrapSecrets, BootstrapObject } from '../bootstrap/plan';
import { resolvePlatform } from '../model/context';
import { SpecErrors } from '../spec/errors';
import { loadSpecs } from '../spec/load';
import { parseCommandArgs, UsageError } from './command';
import { createProgress, Environment } from './progress';

export const BOOTSTRAP_USAGE = `Usage: npm run bootstrap -- --env ENV [--context NAME] [--kubeconfig FILE] [--dry-run]

  --env ENV          environment to bootstrap (dev, staging, production, ...)
  --context NAME     kubeconfig context (default: the current context)
  --kubeconfig FILE  kubeconfig file (default: $KUBECONFIG or ~/.kube/config)
  --dry-run          show what would change; change nothing
  --timeout SECONDS  how long to wait for the objects to exist (default: 60)

Secrets of systems with secrets.mode bootstrap are read from environment variables named
<SYSTEM>_<KEY> (e.g. MEMO_AI_COACH_JWT_SECRET_KEY). When platform.yaml's backupStore credentials
are mode bootstrap, the store's key pair is read from BACKUP_STORE_AWS_ACCESS_KEY_ID and
BACKUP_STORE_AWS_SECRET_ACCESS_KEY. Values are never printed or written.
`;

export interface BootstrapOptions {
  readonly env: string;
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly dryRun: boolean;
  readonly timeoutSeconds: number;
  readonly apps: string;
  readonly dist: string;
  readonly platform: string;
}

export function parseBootstrapArgs(argv: readonly string[]): BootstrapOptions {
  const { values } = parseCommandArgs(
    argv,
    {
      env: { type: 'string' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      'dry-run': { type: 'boolean' },
      timeout: { type: 'string' },
      apps: { type: 'string' },
      dist: { type: 'string' },
      platform: { type: 'string' },
    },
    false,
  );
  if (values.env === undefined) throw new UsageError('--env is required');
  const timeoutSeconds = Number(values.timeout ?? '60');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError('--timeout needs a positive number of seconds');
  return {
    env: values.env,
    context: values.context,
    kubeconfig: values.kubeconfig,
    dryRun: values['dry-run'] ?? false,
    timeoutSeconds,
    apps: values.apps ?? 'apps',
    dist: values.dist ?? 'dist',
    platform: values.platform ?? 'platform.yaml',
  };
}

const label = (o: BootstrapObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export async function runBootstrap(opts: BootstrapOptions, out: (s: string) => void, err: (s: string) => void, env: Environment): Promise<number> {
  const progress = createProgress(process.stderr, env);
  try {
    const specs = loadSpecs(resolve(opts.apps), resolve(opts.platform));
    if (!(opts.env in specs.platform.environments)) {
      throw new BootstrapError(`${opts.env} is not an environment of ${opts.platform}; known: ${Object.keys(specs.platform.environments).join(', ')}`);
    }
    const platform = resolvePlatform(specs.platform, opts.env);
    // Everything that can fail without the cluster fails before we touch it.
    const secrets = bootstrapSecrets(specs, opts.env, env);
    const objects = applyOrder(bootstrapObjects(resolve(opts.dist), opts.env));
    const cluster: Cluster = connect({ lookup: { file: opts.kubeconfig, kubeconfigVariable: env.KUBECONFIG, home: homedir() }, context: opts.context });
    progress.update(`checking ${cluster.server}`);
    await preflight(cluster, platform.argocdNamespace);
    progress.update('checking the add-ons the environment relies on');
    const missing = describeMissingAddons(await missingAddons(cluster, addonRequirements(resolve(opts.dist), platform)));
    if (missing !== undefined) throw new BootstrapError(missing);

    const counts: Record<Outcome, number> = { created: 0, configured: 0, unchanged: 0 };
    const all = applyOrder([...objects, ...secrets.map((s) => s.object)]);
    const verb = opts.dryRun ? { created: 'would create', configured: 'would configure', unchanged: 'unchanged' } : { created: 'created', configured: 'configured', unchanged: 'unchanged' };
    for (const [i, o] of all.entries()) {
      progress.update(`applying ${i + 1}/${all.length} ${label(o)}`);
      const outcome = await applyObject(cluster, o, opts.dryRun);
      counts[outcome]++;
      progress.done();
      // A Secret is named with the variables it came from, never with its values.
      const from = secrets.find((s) => s.object === o);
      const detail = from ? ` (from ${Object.values(from.variables).join(', ')})` : '';
      if (outcome !== 'unchanged') out(`${verb[outcome]} ${label(o)}${detail}\n`);
    }
    if (!opts.dryRun) {
      await waitForObjects(cluster, all, opts.timeoutSeconds * 1000, (ready, total) => progress.update(`waiting for objects: ${ready}/${total} ready`));
      progress.done();
    }
    const changes = counts.created + counts.configured;
    if (changes === 0) out(`bootstrap of ${opts.env} on ${cluster.server}: nothing to do (${counts.unchanged} objects up to date)\n`);
    else {
      out(
        `bootstrap of ${opts.env} on ${cluster.server}${opts.dryRun ? ' (dry run, nothing changed)' : ''}: ` +
          `${counts.created} ${opts.dryRun ? 'to create' : 'created'}, ${counts.configured} ${opts.dryRun ? 'to configure' : 'configured'}, ${counts.unchanged} unchanged\n`,
      );
      if (!opts.dryRun) out(`Argo CD now syncs root-${opts.env} from ${platform.repoURL} (${platform.distPath}/${opts.env}/apps).\n`);
    }
    return 0;
  } catch (e) {
    progress.done();
    if (e instanceof SpecErrors) {
      err(`${e.message}\n`);
      return 1;
    }
    if (e instanceof BootstrapError) {
      err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
