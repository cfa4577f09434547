/**
 * The day-2 commands (diff, set-image, new-app) run as a user runs them: a child process in a
 * temporary copy of the repository, checked by exit code, stdout, stderr and the files left.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, wantsColor } from '../src/cli/command';
import { parseDiffArgs } from '../src/cli/diff-command';
import { diffLines, hunkHeader, hunks } from '../src/cli/line-diff';
import { parseNewAppArgs } from '../src/cli/new-app-command';
import { createProgress } from '../src/cli/progress';
import { parseSetImageArgs } from '../src/cli/set-image-command';
import { imageProblem } from '../src/spec/image';

// Each command is a child process that loads cdk8s: give slow, shared machines room.
jest.setTimeout(180_000);

const REPO = join(__dirname, '..');
const SCHEMA_LINE = '# yaml-language-server: $schema=../schema/app-spec.schema.json';
const LINKED = ['node_modules', 'src', 'charts', 'argocd', 'imports', 'scripts', 'main.ts', 'package.json', 'tsconfig.json'];
const COPIED = ['schema', 'platform.yaml', 'templates'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cwd: string, script: string, ...args: string[]): Run {
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), [script, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let base: string;
const sandboxes: string[] = [];

/**
 * A copy of the repository with one system (magnetiq), synthesized once: the specs other
 * people are adding to apps/ cannot make these tests fail, and dist/ is up to date by
 * construction.
 */
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'day2-base-'));
  for (const name of LINKED) symlinkSync(join(REPO, name), join(base, name));
  for (const name of COPIED) cpSync(join(REPO, name), join(base, name), { recursive: true });
  mkdirSync(join(base, 'apps'));
  cpSync(join(REPO, 'apps/magnetiq.yaml'), join(base, 'apps/magnetiq.yaml'));
  const synth = run(base, 'main.ts');
  expect(synth).toMatchObject({ code: 0 });
}, 60_000);

afterAll(() => {
  for (const dir of [base, ...sandboxes]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of the synthesized base, for a test that changes files. */
function sandbox(): string {
  const dir = mkdtempSync(join(tmpdir(), 'day2-'));
  sandboxes.push(dir);
  cpSync(base, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

describe('npm run diff', () => {
  test('exits 0 and says so when dist/ matches the specs', () => {
    const r = run(base, 'scripts/diff.ts');
    expect(r.stdout).toBe('No changes: dist/ matches what synth produces from apps/.\n');
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  test('shows the changed resource as a unified diff and a summary, and exits 1', () => {
    const dir = sandbox();
    const spec = read(dir, 'apps/magnetiq.yaml');
    writeFileSync(join(dir, 'apps/magnetiq.yaml'), spec.replace(/(  staging:[\s\S]*?frontend:\n\s+replicas:) 2/, '$1 4'));
    const r = run(dir, 'scripts/diff.ts');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('~ changed staging/magnetiq: Deployment magnetiq-frontend\n');
    expect(r.stdout).toContain('--- a/dist/staging/magnetiq/deployment-magnetiq-frontend.yaml\n+++ b/dist/staging/magnetiq/deployment-magnetiq-frontend.yaml\n');
    expect(r.stdout).toMatch(/\n-  replicas: 2\n\+  replicas: 4\n/);
    expect(r.stdout).toMatch(/\n@@ -\d+,7 \+\d+,7 @@\n/);
    // The Deployment and the page's replicas column changed; nothing else.
    expect(r.stdout).toMatch(/\nstaging +magnetiq +0 +2 +0\n/);
    expect(r.stdout).toMatch(/\ntotal +0 +2 +0\n/);
    expect(r.stdout).toContain('2 files in dist/ would change; run npm run synth and commit the result.\n');
    expect(r.stdout).not.toContain('\x1b[');
  });

  test('filters by environment and system', () => {
    const dir = sandbox();
    writeFileSync(join(dir, 'apps/magnetiq.yaml'), read(dir, 'apps/magnetiq.yaml').replace('REFRESH_TOKEN_EXPIRE_DAYS: "7"', 'REFRESH_TOKEN_EXPIRE_DAYS: "8"'));
    const dev = run(dir, 'scripts/diff.ts', '--env', 'dev', '--app', 'magnetiq', '--stat');
    expect(dev.code).toBe(1);
    expect(dev.stdout).toContain('~ changed dev/magnetiq: ConfigMap magnetiq-config\n');
    expect(dev.stdout).not.toContain('staging/');
    expect(dev.stdout).not.toContain('@@');
    expect(run(dir, 'scripts/diff.ts', '--app', 'platform')).toMatchObject({ code: 0, stdout: 'No changes: dist/*/platform/ matches what synth produces from apps/.\n' });
    const unknown = run(dir, 'scripts/diff.ts', '--env', 'qa');
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: --env qa is not an environment; known: dev, production, staging\n' });
  });

  test('fails with the spec errors, like synth, when a spec is invalid', () => {
    const dir = sandbox();
    writeFileSync(join(dir, 'apps/magnetiq.yaml'), read(dir, 'apps/magnetiq.yaml').replace('port: 4036', 'port: http'));
    const r = run(dir, 'scripts/diff.ts');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apps/magnetiq.yaml: components.backend.port:');
    expect(r.stderr).toContain('diff failed with 1 error.');
  });

  test('rejects unknown flags and missing values with exit 2 and the usage', () => {
    for (const args of [['--bogus'], ['--env']]) {
      const r = run(base, 'scripts/diff.ts', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: .+\n\nUsage: npm run diff/);
    }
    expect(() => parseDiffArgs(['--env', '--app', 'magnetiq'])).toThrow(new UsageError('--env needs a value'));
    expect(() => parseDiffArgs(['--app='])).toThrow(new UsageError('--app needs a value'));
    expect(() => parseDiffArgs(['stray'])).toThrow(UsageError);
  });
});

describe('npm run set-image', () => {
  test('adds only the image line to the environment override, keeps comments, and re-synthesizes', () => {
    const dir = sandbox();
    const before = read(dir, 'apps/magnetiq.yaml');
    const r = run(dir, 'scripts/set-image.ts', '--app', 'magnetiq', '--env', 'staging', 'frontend=registry.voltaic.systems/magnetiq-frontend:v2.1.0');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const after = read(dir, 'apps/magnetiq.yaml');
    const expected = before.replace(
      /(  staging:[\s\S]*?      frontend:\n        replicas: 2\n)/,
      '$1        image: registry.voltaic.systems/magnetiq-frontend:v2.1.0\n',
    );
    expect(after).not.toBe(before);
    expect(after).toBe(expected);
    expect(read(dir, 'dist/staging/magnetiq/deployment-magnetiq-frontend.yaml')).toContain('image: registry.voltaic.systems/magnetiq-frontend:v2.1.0\n');
    expect(read(dir, 'dist/production/magnetiq/deployment-magnetiq-frontend.yaml')).toContain('image: registry.voltaic.systems/magnetiq-frontend:v2.0.0\n');
    expect(r.stdout).toContain(
      'apps/magnetiq.yaml: environments.staging.components.frontend.image: registry.voltaic.systems/magnetiq-frontend:v2.0.0 -> registry.voltaic.systems/magnetiq-frontend:v2.1.0\n',
    );
    expect(r.stdout).toMatch(/\n-          image: registry.voltaic.systems\/magnetiq-frontend:v2.0.0\n\+          image: registry.voltaic.systems\/magnetiq-frontend:v2.1.0\n/);
    expect(r.stdout).toMatch(/\nstaging +magnetiq +0 +2 +0\n/);
    // dist/ is now what synth produces: diff agrees.
    expect(run(dir, 'scripts/diff.ts')).toMatchObject({ code: 0 });
  });

  test('creates the override path when the environment has none, and replaces it in place the next time', () => {
    const dir = sandbox();
    const before = read(dir, 'apps/magnetiq.yaml');
    const first = run(dir, 'scripts/set-image.ts', '--app', 'magnetiq', '--env', 'production', 'backend=registry.voltaic.systems/magnetiq-backend:v2.0.1');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const once = read(dir, 'apps/magnetiq.yaml');
    expect(once).toBe(`${before}      backend:\n        image: registry.voltaic.systems/magnetiq-backend:v2.0.1\n`);
    const second = run(dir, 'scripts/set-image.ts', '--app', 'magnetiq', '--env', 'production', 'backend=registry.voltaic.systems/magnetiq-backend@sha256:' + 'a'.repeat(64));
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(read(dir, 'apps/magnetiq.yaml')).toBe(once.replace('magnetiq-backend:v2.0.1', `magnetiq-backend@sha256:${'a'.repeat(64)}`));
    expect(read(dir, 'dist/production/magnetiq/cronjob-magnetiq-backup-db.yaml')).toContain(`magnetiq-backend@sha256:${'a'.repeat(64)}`);
  });

  test('refuses :latest, a reference without tag or digest and a malformed one, naming the rule, and changes nothing', () => {
    const dir = sandbox();
    const before = read(dir, 'apps/magnetiq.yaml');
    const cases: Array<[string, string]> = [
      ['backend=registry.voltaic.systems/magnetiq-backend:latest', 'rule no-latest-tag'],
      ['backend=registry.voltaic.systems/magnetiq-backend', 'rule pinned-image'],
      ['backend=Registry.voltaic.systems/Magnetiq:v1', 'rule image-format'],
    ];
    for (const [arg, rule] of cases) {
      const r = run(dir, 'scripts/set-image.ts', '--app', 'magnetiq', '--env', 'production', arg);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(rule);
      expect(r.stderr).toContain('Nothing was changed.');
    }
    expect(read(dir, 'apps/magnetiq.yaml')).toBe(before);
  });

  test('refuses an unknown component, environment or system with the valid ones', () => {
    const image = 'registry.voltaic.systems/x:v1';
    const component = run(base, 'scripts/set-image.ts', '--app', 'magnetiq', '--env', 'production', `worker=${image}`);
    expect(component).toMatchObject({ code: 1, stderr: 'error: magnetiq has no component "worker" in production; its components: backend, frontend\n' });
    const env = run(base, 'scripts/set-image.ts', '--app', 'magnetiq', '--env', 'qa', `backend=${image}`);
    expect(env).toMatchObject({ code: 1, stderr: 'error: --env qa: magnetiq does not deploy to qa; its environments: dev, production, staging\n' });
    const app = run(base, 'scripts/set-image.ts', '--app', 'shop', '--env', 'dev', `backend=${image}`);
    expect(app).toMatchObject({ code: 1, stderr: 'error: --app shop: there is no apps/shop.yaml; known systems: magnetiq\n' });
  });

  test('exits 2 with the usage when --app, --env or COMPONENT=IMAGE is missing or malformed', () => {
    for (const args of [['--env', 'dev', 'backend=a:v1'], ['--app', 'magnetiq', '--env', 'dev', 'backend']]) {
      const r = run(base, 'scripts/set-image.ts', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: .+\n\nUsage: npm run set-image/);
    }
    expect(() => parseSetImageArgs(['--app', 'magnetiq', 'backend=a:v1'])).toThrow(new UsageError('--env ENV is required'));
    expect(() => parseSetImageArgs(['--app', 'magnetiq', '--env', 'dev'])).toThrow(new UsageError('give at least one COMPONENT=IMAGE'));
    expect(() => parseSetImageArgs(['--app'])).toThrow(new UsageError('--app needs a value'));
    expect(() => parseSetImageArgs(['--app', 'm', '--env', 'dev', 'a=x:1', 'a=x:2'])).toThrow(new UsageError('a is given twice'));
  });
});

describe('npm run new-app', () => {
  test('scaffolds a commented spec that validates and synthesizes as is', () => {
    const dir = sandbox();
    const r = run(dir, 'scripts/new-app.ts', 'shop');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Created apps/shop.yaml (dev, staging, production).');
    const spec = read(dir, 'apps/shop.yaml');
    expect(spec.split('\n')[0]).toBe(SCHEMA_LINE);
    expect(spec).not.toMatch(/\{\{|\}\}/);
    expect(spec).toMatch(/\nenvironments:\n  dev:\n[\s\S]*\n  staging:\n[\s\S]*\n  production: /);
    const synth = run(dir, 'main.ts');
    expect(synth).toMatchObject({ code: 0, stderr: '' });
    for (const env of ['dev', 'staging', 'production']) {
      expect(existsSync(join(dir, `dist/${env}/shop/deployment-shop-backend.yaml`))).toBe(true);
      expect(read(dir, `dist/${env}/shop/README.md`)).toContain('| shop-frontend | Deployment | web |');
    }
  });

  test('refuses an existing spec with exit 1', () => {
    const r = run(base, 'scripts/new-app.ts', 'magnetiq');
    expect(r).toMatchObject({ code: 1, stderr: 'error: apps/magnetiq.yaml exists already; edit it, or choose another name\n' });
  });

  test('rejects an invalid or reserved name, and a missing one, with exit 2 and the usage', () => {
    for (const args of [['Shop'], ['platform'], []]) {
      const r = run(base, 'scripts/new-app.ts', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: .+\n\nUsage: npm run new-app/);
    }
    for (const args of [['a'.repeat(31)], ['bootstrap'], ['apps'], ['-x'], ['one', 'two'], ['9lives'], ['shop-']]) {
      expect(() => parseNewAppArgs(args)).toThrow(UsageError);
    }
    expect(parseNewAppArgs(['a'.repeat(30)]).name).toBe('a'.repeat(30));
    expect(readdirSync(join(base, 'apps'))).toEqual(['magnetiq.yaml']);
  });
});

describe('editor wiring', () => {
  test('every spec in apps/ names its JSON schema on the first line', () => {
    const specs = readdirSync(join(REPO, 'apps')).filter((f) => /\.ya?ml$/.test(f));
    expect(specs.length).toBeGreaterThan(0);
    for (const f of specs) expect(`${f}: ${readFileSync(join(REPO, 'apps', f), 'utf8').split('\n')[0]}`).toBe(`${f}: ${SCHEMA_LINE}`);
  });

  test('the template names it too', () => {
    expect(readFileSync(join(REPO, 'templates/app.yaml'), 'utf8').split('\n')[0]).toBe(SCHEMA_LINE);
  });
});

describe('terminal behaviour', () => {
  test('colours only on a terminal without NO_COLOR or CI', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: true }, { CI: 'true' })).toBe(false);
  });

  test('progress rewrites one line on a terminal and prints nothing in CI', () => {
    const written: string[] = [];
    const tty = { isTTY: true, columns: 40, write: (s: string) => written.push(s) };
    const p = createProgress(tty, {});
    p.update('synthesizing');
    p.update('writing');
    p.done();
    expect(written).toEqual(['\rsynthesizing\x1b[K', '\rwriting\x1b[K', '\r\x1b[K']);
    const quiet: string[] = [];
    const ci = createProgress({ isTTY: true, write: (s: string) => quiet.push(s) }, { CI: 'true' });
    ci.update('synthesizing');
    ci.done();
    expect(quiet).toEqual([]);
  });
});

describe('building blocks', () => {
  test('the line diff gives the hunks diff -u gives', () => {
    const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const b = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j', 'k'];
    const h = hunks(diffLines(a, b));
    expect(h.map(hunkHeader)).toEqual(['@@ -2,9 +2,10 @@']);
    expect(h[0].edits.map((e) => `${e.op}${e.line}`)).toEqual([' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ' i', ' j', '+k']);
    expect(hunks(diffLines(a, a))).toEqual([]);
    expect(hunks(diffLines([], ['x'])).map(hunkHeader)).toEqual(['@@ -0,0 +1 @@']);
  });

  test('image rules accept pinned references only', () => {
    expect(imageProblem('registry.example.com/app:v1.2.3')).toBeUndefined();
    expect(imageProblem(`app@sha256:${'0'.repeat(64)}`)).toBeUndefined();
    expect(imageProblem('registry.example.com:5000/app:v1')).toBeUndefined();
    expect(imageProblem('app:latest')).toMatch(/no-latest-tag/);
    expect(imageProblem('registry.example.com:5000/app')).toMatch(/pinned-image/);
    expect(imageProblem('app@sha256:abc')).toMatch(/image-format/);
  });
});
