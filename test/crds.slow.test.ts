/**
 * `npm run crds -- --check` proves the committed CRD artifacts are what the pinned Go modules
 * give: it passes on the repository and fails, naming the file, on a copy with one schema
 * changed or an artifact of a release the catalogue does not list. Needs `go` (and the
 * modules in the cache, or the Go module proxy), hence a slow suite.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(300_000);

const REPO = join(__dirname, '..');
const GENERATED = ['crds', 'src/addons/artifacts.generated.ts', 'src/addons/validators.generated.ts', 'src/addons/validators', 'imports/external-secrets.generated.ts'];
let copy: string;

function check(): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'scripts/crds.ts'), '--check', '--root', copy], { cwd: REPO, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), 'crds-check-'));
  for (const path of GENERATED) {
    mkdirSync(join(copy, path, '..'), { recursive: true });
    cpSync(join(REPO, path), join(copy, path), { recursive: true });
  }
});

afterEach(() => {
  rmSync(copy, { recursive: true, force: true });
});

test('the committed crds/ and the files generated from it match the pinned modules', () => {
  expect(check()).toEqual({ status: 0, stdout: 'crds/ and the files generated from it match the pinned modules.\n', stderr: '' });
});

test('fails if a committed schema differs from its module, naming the file', () => {
  const file = join(copy, 'crds/externalSecrets/v1.3.2.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"served": false', '"served": true'));
  expect(check()).toEqual({ status: 1, stdout: '', stderr: 'crds/externalSecrets/v1.3.2.json differs from what the pinned Go modules give: run npm run crds\n' });
});

test('fails if crds/ holds a release the catalogue does not list', () => {
  cpSync(join(copy, 'crds/keda/v2.21.0.json'), join(copy, 'crds/keda/v2.20.2.json'));
  expect(check()).toEqual({ status: 1, stdout: '', stderr: 'crds/keda/v2.20.2.json is not a release in src/addons/catalogue.ts: remove it or list the release\n' });
});
