/**
 * `npm run promote` runs as a user runs it: a child process in a temporary copy of the
 * repository with one system (magnetiq), checked by exit code, output and the files left.
 * The argument parser and the plan are tested in-process in promote-command.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { setScalarInText } from '../src/spec/edit';

// Each run is a child process that loads cdk8s: give slow, shared machines room.
jest.setTimeout(180_000);

const REPO = join(__dirname, '..');
const LINKED = ['node_modules', 'src', 'charts', 'argocd', 'imports', 'scripts', 'main.ts', 'package.json', 'tsconfig.json'];
const COPIED = ['schema', 'platform.yaml', 'templates'];
const DIGEST = `sha256:${'c'.repeat(64)}`;
const STAGED = `registry.voltaic.systems/magnetiq-frontend:v2.1.0@${DIGEST}`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, script: string, ...args: string[]): Run {
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), [script, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sandboxes: string[] = [];
afterAll(() => {
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

/** A repository copy with magnetiq, whose staging frontend runs `staged`, synthesized. */
function sandbox(staged: string, requireDigestsInProduction = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'promote-'));
  sandboxes.push(dir);
  for (const name of LINKED) symlinkSync(join(REPO, name), join(dir, name));
  for (const name of COPIED) cpSync(join(REPO, name), join(dir, name), { recursive: true });
  mkdirSync(join(dir, 'apps'));
  let spec = setScalarInText(readFileSync(join(REPO, 'apps/magnetiq.yaml'), 'utf8'), ['environments', 'staging', 'components', 'frontend', 'image'], staged);
  if (requireDigestsInProduction) {
    // What production runs already satisfies the rule.
    for (const c of ['backend', 'frontend']) {
      spec = setScalarInText(spec, ['environments', 'production', 'components', c, 'image'], `registry.voltaic.systems/magnetiq-${c}:v2.0.0@sha256:${'a'.repeat(64)}`);
    }
  }
  writeFileSync(join(dir, 'apps/magnetiq.yaml'), spec);
  if (requireDigestsInProduction) {
    const platform = load(readFileSync(join(dir, 'platform.yaml'), 'utf8')) as { environments: Record<string, Record<string, unknown>> };
    platform.environments.production.requireImageDigests = true;
    writeFileSync(join(dir, 'platform.yaml'), dump(platform));
  }
  expect(run(dir, 'main.ts')).toMatchObject({ code: 0 });
  return dir;
}

describe('npm run promote', () => {
  test('copies the staging image with its digest to production, keeps the rest of the spec, and shows the diff', () => {
    const dir = sandbox(STAGED);
    const before = readFileSync(join(dir, 'apps/magnetiq.yaml'), 'utf8');
    const r = run(dir, 'scripts/promote.ts', '--app', 'magnetiq', '--from', 'staging', '--to', 'production');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`apps/magnetiq.yaml: environments.production.components.frontend.image: registry.voltaic.systems/magnetiq-frontend:v2.0.0 -> ${STAGED}`);
    expect(r.stdout).toContain(`+          image: ${STAGED}`);
    const after = readFileSync(join(dir, 'apps/magnetiq.yaml'), 'utf8');
    expect(after).toBe(setScalarInText(before, ['environments', 'production', 'components', 'frontend', 'image'], STAGED));
    const deployment = load(readFileSync(join(dir, 'dist/production/magnetiq/deployment-magnetiq-frontend.yaml'), 'utf8')) as { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
    expect(deployment.spec.template.spec.containers[0].image).toBe(STAGED);

    const again = run(dir, 'scripts/promote.ts', '--app', 'magnetiq', '--from', 'staging', '--to', 'production');
    expect(again).toMatchObject({ code: 0, stdout: 'Nothing to promote: magnetiq in production already runs the images of staging.\n' });
  });

  test('rejects a promotion of an image without a digest into an environment that requires digests, changing nothing', () => {
    const dir = sandbox('registry.voltaic.systems/magnetiq-frontend:v2.1.0', true);
    const before = readFileSync(join(dir, 'apps/magnetiq.yaml'), 'utf8');
    const r = run(dir, 'scripts/promote.ts', '--app', 'magnetiq', '--from', 'staging', '--to', 'production');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: backend: staging runs registry.voltaic.systems/magnetiq-backend:v2.0.0 without a digest, but platform.yaml requires image digests in production; ' +
        'pin it in staging first (npm run set-image -- --app magnetiq --env staging backend=registry.voltaic.systems/magnetiq-backend:v2.0.0@sha256:<64 hex>)\n' +
        'error: frontend: staging runs registry.voltaic.systems/magnetiq-frontend:v2.1.0 without a digest, but platform.yaml requires image digests in production; ' +
        'pin it in staging first (npm run set-image -- --app magnetiq --env staging frontend=registry.voltaic.systems/magnetiq-frontend:v2.1.0@sha256:<64 hex>)\nNothing was changed.\n',
    );
    expect(readFileSync(join(dir, 'apps/magnetiq.yaml'), 'utf8')).toBe(before);
  });

  test('rejects an environment the system does not deploy to', () => {
    const dir = sandbox(STAGED);
    const r = run(dir, 'scripts/promote.ts', '--app', 'magnetiq', '--from', 'qa', '--to', 'production');
    expect(r).toMatchObject({ code: 1, stderr: 'error: --from qa: magnetiq does not deploy to qa; its environments: dev, production, staging\n' });
  });
});

