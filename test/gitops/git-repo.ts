/**
 * The local git repository Argo CD syncs from (a file:// repoURL): the project's specs, a test
 * platform.yaml pointing every environment at the test cluster and repoURL at this repository,
 * and dist/ synthesized from them with the project's own commands, committed on `main`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump, load } from 'js-yaml';
import { REPO_ROOT } from './binaries';

export const BRANCH = 'main';
const IN_CLUSTER = 'https://kubernetes.default.svc';

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(command, [...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function check(r: Run, what: string): Run {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

export class GitRepo {
  readonly url: string;
  readonly apps: string;
  readonly dist: string;
  readonly platform: string;

  constructor(readonly dir: string) {
    this.url = `file://${dir}`;
    this.apps = path.join(dir, 'apps');
    this.dist = path.join(dir, 'dist');
    this.platform = path.join(dir, 'platform.yaml');
  }

  /** Copies the specs, writes the test platform.yaml, synthesizes and makes the first commit. */
  static create(dir: string): GitRepo {
    const repo = new GitRepo(dir);
    fs.mkdirSync(dir, { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, 'apps'), repo.apps, { recursive: true });
    const platform = load(fs.readFileSync(path.join(REPO_ROOT, 'platform.yaml'), 'utf8')) as {
      repoURL: string;
      targetRevision: string;
      backupStore?: { bucket?: string };
      environments: Record<string, { cluster: string; backupStore?: { bucket?: string } }>;
    };
    platform.repoURL = repo.url;
    platform.targetRevision = BRANCH;
    // One test cluster plays every environment, as Argo CD's own cluster.
    for (const env of Object.values(platform.environments)) env.cluster = IN_CLUSTER;
    // A cluster has one Longhorn backup target, so environments sharing it share one bucket
    // (synth refuses anything else); their copies stay apart under <system>/<env>/.
    for (const env of Object.values(platform.environments)) delete env.backupStore;
    if (platform.backupStore !== undefined) platform.backupStore.bucket = 'gitops-test-backups';
    fs.writeFileSync(repo.platform, dump(platform, { lineWidth: -1 }));
    check(run('git', ['init', '-q', '-b', BRANCH], dir), 'git init');
    repo.synth();
    repo.commit('Initial specs and dist/');
    return repo;
  }

  /** `npm run synth` for this repository (specs, platform and output all inside it). */
  synth(): Run {
    return check(run(process.execPath, ['scripts/synth.js', '--apps', this.apps, '--out', this.dist, '--platform', this.platform, '--quiet'], REPO_ROOT), 'synth');
  }

  /** `npm run set-image`, which edits the spec and synthesizes. */
  setImage(system: string, env: string, assignment: string): Run {
    return check(
      run(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/set-image.ts', '--app', system, '--env', env, assignment, '--apps', this.apps, '--out', this.dist, '--platform', this.platform], REPO_ROOT),
      'set-image',
    );
  }

  /** `npm run bootstrap` against the test cluster, with this repository's dist/. */
  bootstrap(env: string, kubeconfig: string, vars: NodeJS.ProcessEnv): Run {
    return run(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/bootstrap.ts', '--env', env, '--kubeconfig', kubeconfig, '--apps', this.apps, '--dist', this.dist, '--platform', this.platform],
      REPO_ROOT,
      vars,
    );
  }

  /** Commits everything; returns the new commit's SHA. */
  commit(message: string): string {
    check(run('git', ['add', '-A'], this.dir), 'git add');
    check(run('git', ['-c', 'user.name=gitops test', '-c', 'user.email=gitops-test@example.invalid', 'commit', '-q', '-m', message], this.dir), 'git commit');
    return check(run('git', ['rev-parse', 'HEAD'], this.dir), 'git rev-parse').stdout.trim();
  }
}
