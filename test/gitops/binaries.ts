/**
 * Where the GitOps loop's binaries are: test/gitops/build.sh writes them to
 * <repo>/.cache/gitops-bin ($GITOPS_BIN_DIR overrides it), test/cluster/build.sh writes etcd and
 * kube-apiserver to <repo>/.cache/cluster-bin ($CLUSTER_BIN_DIR overrides it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function gitopsBinDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.GITOPS_BIN_DIR ?? path.join(REPO_ROOT, '.cache', 'gitops-bin'));
}

/** Path of a file of the bin dir, or a message saying how to build it. */
export function gitopsFile(binDir: string, name: string): string {
  const file = path.join(binDir, name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run test/gitops/build.sh first`);
  return file;
}
