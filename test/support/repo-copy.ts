/**
 * A temporary copy of the repository for tests that run commands as a user would: the spec
 * and output folders are copied (so the test may change them), the code is linked.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from './manifests';

const COPIED = ['apps', 'dist', 'platform.yaml', 'schema', 'templates'];
const LINKED = ['node_modules', 'src', 'charts', 'constructs', 'argocd', 'imports', 'scripts', 'main.ts', 'package.json', 'tsconfig.json', 'cdk8s.yaml'];

export interface RepoCopy {
  readonly dir: string;
  run(args: string[], env?: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string };
  remove(): void;
}

export function copyRepo(): RepoCopy {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-synth-'));
  for (const name of COPIED) if (existsSync(join(ROOT, name))) cpSync(join(ROOT, name), join(dir, name), { recursive: true });
  for (const name of LINKED) if (existsSync(join(ROOT, name))) symlinkSync(join(ROOT, name), join(dir, name));
  return {
    dir,
    run(args, env = {}) {
      const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true', ...env },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
