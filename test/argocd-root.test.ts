/**
 * What the trial run with a real Argo CD found in the committed Argo CD objects of dist/: the
 * root app-of-apps and bootstrap must use one apply mode (server-side), no Application may
 * carry a `recurse: false` Argo CD would strip, and the roots must not report themselves as
 * orphaned. test/gitops proves the same against a real Argo CD.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

const DIST = join(__dirname, '..', 'dist');
const ENVS = readdirSync(DIST).filter((e) => statSync(join(DIST, e)).isDirectory()).sort();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function read(env: string, folder: string, file: string): any {
  return load(readFileSync(join(DIST, env, folder, file), 'utf8'));
}

describe.each(ENVS)('%s', (env) => {
  test('the root Application applies server-side, as bootstrap does', () => {
    const root = read(env, 'bootstrap', `application-root-${env}.yaml`);
    expect(root.spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'ServerSideApply=true']);
  });

  test('every child Application and the root apply server-side', () => {
    const apps = readdirSync(join(DIST, env, 'apps')).filter((f) => f.startsWith('application-'));
    expect(apps.length).toBeGreaterThan(1);
    for (const f of apps) expect({ f, ssa: read(env, 'apps', f).spec.syncPolicy.syncOptions.includes('ServerSideApply=true') }).toEqual({ f, ssa: true });
  });

  test('no Application source says recurse: false', () => {
    const files = [
      ...readdirSync(join(DIST, env, 'apps')).filter((f) => f.startsWith('application-')).map((f) => ['apps', f]),
      ['bootstrap', `application-root-${env}.yaml`],
    ];
    for (const [folder, f] of files) expect({ f, directory: read(env, folder, f).spec.source.directory }).toEqual({ f, directory: { include: '*.yaml' } });
  });

  test('the platform project does not report the app-of-apps roots as orphans, and still warns about others', () => {
    const project = read(env, 'apps', `appproject-${env}-platform.yaml`);
    expect(project.spec.orphanedResources).toEqual({ warn: true, ignore: [{ group: 'argoproj.io', kind: 'Application', name: 'root-*' }] });
    const systems = read(env, 'apps', `appproject-${env}-systems.yaml`);
    expect(systems.spec.orphanedResources).toEqual({ warn: true });
  });
});
