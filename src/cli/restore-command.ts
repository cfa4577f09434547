/**
 * `npm run restore -- --app NAME --env ENV [--from FILE|latest] [--backup NAME] [--out DIR | --apply]`:
 * renders the restore Job of one backup (charts/restore.ts) and writes it to a new folder,
 * or creates it in the cluster through @kubernetes/client-node. The Job fetches the chosen
 * copy from the environment's object store, verifies its checksum, checks it, keeps a safety
 * copy of what is there now and restores. The output folder follows src/cli/output-guard.ts:
 * it must be new (nothing is ever overwritten), else a usage error before anything is read.
 * Exit codes: 0 written or created; 1 a spec, store or cluster problem; 2 usage error
 * (including an output path that exists).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as client from '@kubernetes/client-node';
import { App } from 'cdk8s';
import { RestoreChart } from '../../charts/restore';
import { resolveAddons } from '../addons/releases';
import { BootstrapError } from '../bootstrap/plan';
import { resolvePlatform, systemContext } from '../model/context';
import { isRestorable } from '../model/jobs';
import { names } from '../model/names';
import { SpecErrors } from '../spec/errors';
import { displayPath, loadSpecs } from '../spec/load';
import { manifestFileName, manifestYaml } from '../synth/serialize';
import type { Manifest } from '../model/manifest';
import { schemaProblems } from '../synth/validate';
import { CommandIO, parseCommandArgs, reportSpecErrors, UsageError } from './command';
import { nonEmpty } from './diff-command';
import { guardInputDir, guardNewOutputDir } from './output-guard';

export const RESTORE_USAGE = `Usage: npm run restore -- --app NAME --env ENV [--from FILE|latest] [--backup NAME]
                          [--out DIR | --apply [--context NAME] [--kubeconfig FILE]]

Renders the restore Job of a system's backup: it fetches the copy from the environment's
object store (platform.yaml backupStore), verifies its checksum and contents, keeps a safety
copy of the current data, and restores. SQLite: the writer is scaled to 0 first and back to
1 afterwards. PostgreSQL: the dump is replayed into the same database in one transaction.

  --app NAME         the system (apps/NAME.yaml)
  --env ENV          the environment
  --from FILE        the backup file name in the bucket, or latest (default: latest)
  --backup NAME      which backup of the spec (default: its first sqlite or postgres backup)
  --out DIR          folder to create for the manifests (default: restore-NAME-ENV); never overwritten
  --apply            create the objects in the cluster instead of writing them
  --context NAME     kubeconfig context for --apply (default: the current context)
  --kubeconfig FILE  kubeconfig for --apply (default: $KUBECONFIG or ~/.kube/config)
  --apps DIR         where specs live (default: apps)
  --platform FILE    platform settings (default: platform.yaml)

Exit codes: 0 written or created; 1 spec, store or cluster problem; 2 usage error or DIR exists.
`;

export interface RestoreOptions {
  readonly app: string;
  readonly env: string;
  readonly from: string;
  readonly backup?: string;
  readonly out?: string;
  readonly apply: boolean;
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly apps: string;
  readonly platform: string;
}

/** A backup file name as the upload step writes it: no path, no leading dot. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function parseRestoreArgs(argv: readonly string[]): RestoreOptions {
  const { values } = parseCommandArgs(
    argv,
    {
      app: { type: 'string' },
      env: { type: 'string' },
      from: { type: 'string', default: 'latest' },
      backup: { type: 'string' },
      out: { type: 'string' },
      apply: { type: 'boolean', default: false },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      apps: { type: 'string', default: 'apps' },
      platform: { type: 'string', default: 'platform.yaml' },
    },
    false,
  );
  const app = nonEmpty('app', values.app);
  const env = nonEmpty('env', values.env);
  if (app === undefined) throw new UsageError('give the system with --app NAME');
  if (env === undefined) throw new UsageError('give the environment with --env ENV');
  const from = nonEmpty('from', values.from)!;
  if (from !== 'latest' && !FILE_NAME.test(from)) {
    throw new UsageError(`--from ${JSON.stringify(from)} is not a backup file name: give a name as listed in the bucket (letters, digits, '.', '_', '-', no '/'), or latest`);
  }
  if (values.apply && values.out !== undefined) throw new UsageError('--out and --apply exclude each other: write the manifests, or create them in the cluster');
  if (!values.apply && (values.context !== undefined || values.kubeconfig !== undefined)) throw new UsageError('--context and --kubeconfig only go with --apply');
  return {
    app,
    env,
    from,
    backup: nonEmpty('backup', values.backup),
    out: nonEmpty('out', values.out),
    apply: values.apply,
    context: nonEmpty('context', values.context),
    kubeconfig: nonEmpty('kubeconfig', values.kubeconfig),
    apps: nonEmpty('apps', values.apps)!,
    platform: nonEmpty('platform', values.platform)!,
  };
}

/** The restore manifests of a system's backup, or an error message for the user. */
export function restoreManifests(opts: RestoreOptions): { manifests: Manifest[]; specFile: string; namespace: string } | string {
  const specs = loadSpecs(resolve(opts.apps), resolve(opts.platform));
  const system = specs.systems.find((s) => s.environments.values().next().value?.name === opts.app);
  if (system === undefined) return `no system ${JSON.stringify(opts.app)} in ${opts.apps}/; systems: ${specs.systems.map((s) => s.environments.values().next().value?.name).join(', ')}`;
  const spec = system.environments.get(opts.env);
  if (spec === undefined) return `${opts.app} does not deploy to ${JSON.stringify(opts.env)}; its environments: ${[...system.environments.keys()].join(', ')}`;
  const ctx = systemContext(spec, resolvePlatform(specs.platform, opts.env));
  if (ctx.platform.backupStore === undefined) return `platform.yaml names no backupStore for ${opts.env}: there is no off-site copy to restore from`;
  const restorable = (spec.backups ?? []).filter(isRestorable);
  const backup = opts.backup === undefined ? restorable[0] : restorable.find((b) => b.name === opts.backup);
  if (backup === undefined) {
    const known = restorable.map((b) => b.name).join(', ');
    return opts.backup === undefined
      ? `${opts.app} has no sqlite or postgres backup in ${opts.env}; restore Jobs exist for those kinds only`
      : `${opts.app} has no restorable backup ${JSON.stringify(opts.backup)} in ${opts.env}; restorable: ${known === '' ? '(none)' : known}`;
  }
  const app = new App({ outdir: '/nonexistent', recordConstructMetadata: false });
  const chart = new RestoreChart(app, names.restoreFolder(ctx.system, ctx.env), { ctx, request: { backup, from: opts.from } });
  const manifests = chart.toJson() as Manifest[];
  for (const m of manifests) {
    const problems = schemaProblems(m, resolveAddons(specs.platform));
    if (problems.length > 0) throw new Error(`the restore ${m.kind} ${m.metadata.name} does not match its schema: ${problems.join('; ')}`);
  }
  return { manifests, specFile: displayPath(system.file), namespace: ctx.namespace };
}

async function applyManifests(opts: RestoreOptions, manifests: readonly Manifest[], io: CommandIO): Promise<void> {
  // Loaded on use: client-node is an ES module, and writing manifests needs no cluster.
  const { connect, describeFailure } = await import('../bootstrap/cluster');
  const cluster = connect({ lookup: { file: opts.kubeconfig, kubeconfigVariable: io.env.KUBECONFIG, home: homedir() }, context: opts.context });
  // RBAC first, so the Job's pod finds its permissions when it starts.
  const ordered = [...manifests].sort((a, b) => Number(a.kind === 'Job') - Number(b.kind === 'Job'));
  for (const m of ordered) {
    try {
      await cluster.api.create(m as client.KubernetesObject);
    } catch (e) {
      if ((e as { code?: number }).code === 409) {
        throw new BootstrapError(`${m.kind} ${m.metadata.namespace}/${m.metadata.name} exists already (an earlier restore?): look at it, then kubectl -n ${m.metadata.namespace} delete ${m.kind.toLowerCase()} ${m.metadata.name} and run again`);
      }
      throw describeFailure(cluster, e, `create ${m.kind} ${m.metadata.name}`);
    }
    io.out(`created ${m.kind} ${m.metadata.namespace}/${m.metadata.name} (context ${cluster.contextName})\n`);
  }
}

export async function runRestore(opts: RestoreOptions, io: CommandIO): Promise<number> {
  // Folders first, before anything is read: --apps must be a folder, --out a new one.
  guardInputDir(opts.apps, '--apps', { mustExist: true });
  const out = opts.apply ? undefined : guardNewOutputDir(opts.out ?? names.restoreFolder(opts.app, opts.env));
  let result;
  try {
    result = restoreManifests(opts);
  } catch (e) {
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, 'restore');
    throw e;
  }
  if (typeof result === 'string') {
    io.err(`error: ${result}\n`);
    return 1;
  }
  const job = result.manifests.find((m) => m.kind === 'Job')!;
  const follow = `kubectl -n ${result.namespace} logs -f job/${job.metadata.name} --all-containers`;
  if (opts.apply) {
    try {
      await applyManifests(opts, result.manifests, io);
    } catch (e) {
      if (e instanceof BootstrapError) {
        io.err(`error: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    io.out(`Follow it with: ${follow}\n`);
    return 0;
  }
  if (out === undefined) throw new Error('restore: no output folder without --apply');
  try {
    // Not recursive: the folder must be new (another run may have made it since the guard).
    mkdirSync(out);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`error: cannot create ${displayPath(out)}: ${code === 'EEXIST' ? 'it exists already; remove it or choose another --out' : (e as Error).message}\n`);
    return 1;
  }
  for (const m of result.manifests) writeFileSync(join(out, manifestFileName(m)), manifestYaml(m, result.specFile), { flag: 'wx' });
  io.out(
    `Wrote the restore of ${opts.app} (${opts.env}, from ${opts.from}) to ${displayPath(out)}/.\n` +
      `Apply it with: kubectl apply -f ${displayPath(out)}/\n` +
      `Follow it with: ${follow}\n`,
  );
  return 0;
}
