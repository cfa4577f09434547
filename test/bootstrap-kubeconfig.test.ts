/**
 * bootstrap names the kubeconfig files it looked for when there is none. The command-level
 * cases (an unknown context, no kubeconfig at all) are in bootstrap-kubeconfig.slow.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { kubeconfigFiles } from '../src/bootstrap/kubeconfig';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('kubeconfigFiles', () => {
  it('rejects a home without ~/.kube/config, naming the file it looked for', () => {
    expect(() => kubeconfigFiles({ home })).toThrow(
      `no kubeconfig found (looked in ${join(home, '.kube', 'config')}, from the default location): pass --kubeconfig FILE, set KUBECONFIG, or run kubectl config to create one`,
    );
  });

  it('rejects a KUBECONFIG whose files are all missing, naming each of them', () => {
    const a = join(home, 'a.yaml');
    const b = join(home, 'b.yaml');
    expect(() => kubeconfigFiles({ home, kubeconfigVariable: `${a}${delimiter}${b}` })).toThrow(`no kubeconfig found (looked in ${a}, ${b}, from $KUBECONFIG)`);
  });

  it('rejects a missing --kubeconfig file without falling back to $KUBECONFIG', () => {
    const present = join(home, 'present.yaml');
    writeFileSync(present, KUBECONFIG);
    const missing = join(home, 'missing.yaml');
    expect(() => kubeconfigFiles({ home, file: missing, kubeconfigVariable: present })).toThrow(`no kubeconfig found (looked in ${missing}, from --kubeconfig)`);
  });

  it('returns the KUBECONFIG files that exist, in order', () => {
    const a = join(home, 'a.yaml');
    const b = join(home, 'b.yaml');
    writeFileSync(b, KUBECONFIG);
    expect(kubeconfigFiles({ home, kubeconfigVariable: `${a}${delimiter}${b}` })).toEqual([b]);
  });
});
