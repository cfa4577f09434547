/**
 * The bad-spec corpus: each folder of test/bad-specs/ holds one spec, a variation of the valid
 * spec in test/fixtures/minimal-spec/ with one thing wrong. Synth must exit 1, name the file,
 * the field path and the problem on stderr, and leave the output folder exactly as it was.
 * Most cases run runSynth in-process (fast); a representative subset runs the real CLI as a
 * child process, as a user would.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { MAX_SPEC_BYTES } from '../src/spec/load';
import { runSynth } from '../src/cli/synth-command';
import { createProgress } from '../src/cli/progress';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from '../src/synth/output-folder';
import { DirSnapshot, snapshotDir } from './support/snapshot-dir';

const REPO = resolve(__dirname, '..');
const CORPUS = join(__dirname, 'bad-specs');
const MINIMAL = join(__dirname, 'fixtures', 'minimal-spec');
const PLATFORM = join(REPO, 'platform.yaml');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

interface BadSpec {
  /** Folder under test/bad-specs/. */
  readonly name: string;
  /** The field path exactly as the message shows it; '(document)' for the whole file. */
  readonly path: string;
  /** A fragment of the problem that says what is wrong (and, where it matters, why). */
  readonly problem: string;
  /** Also run through the CLI as a child process. */
  readonly spawn?: boolean;
}

const CASES: readonly BadSpec[] = [
  // Wrong types.
  { name: 'wrong-type-replicas', path: 'components.web.replicas', problem: 'is a string "two" but must be an integer' },
  { name: 'wrong-type-connects-to', path: 'components.web.connectsTo', problem: 'is a string "api" but must be a list' },
  { name: 'wrong-type-tls', path: 'ingress.tls', problem: 'is a string "yes please" but must be true or false' },
  // Unknown fields.
  { name: 'unknown-field-top-level', path: 'replicas', problem: 'unknown field "replicas"; allowed fields here: name, description' },
  { name: 'unknown-field-nested', path: 'components.api.probes.startupp', problem: 'unknown field "startupp"; allowed fields here: liveness, readiness, startup' },
  // Names that are not DNS labels.
  { name: 'bad-dns-system-name', path: 'name', problem: 'is "Shop_App" but must be a DNS label' },
  { name: 'bad-dns-component-name', path: 'components.Mail_Worker', problem: 'the name "Mail_Worker" is not allowed here; it must be a DNS label' },
  { name: 'bad-dns-host', path: 'ingress.host', problem: 'is "shop_front.example.com" but must be a lower-case DNS host name' },
  // Duplicates.
  { name: 'duplicate-route-path', path: 'ingress.routes[2].path', problem: 'repeats Prefix /api of ingress.routes[0]' },
  { name: 'duplicate-egress-port', path: 'components.api.egress[1]', problem: 'repeats TCP/443; list each port once' },
  // Schedules.
  { name: 'cron-bad-value', path: 'backups[0].schedule', problem: '"30 25 * * *" is not a valid cron schedule: hour field "25"' },
  { name: 'cron-bad-month-name', path: 'backups[0].schedule', problem: 'is not a valid cron schedule: month field "JUNE"' },
  { name: 'cron-wrong-field-count', path: 'backups[0].schedule', problem: 'is "0 30 2 * * *" but must be a five-field cron expression' },
  // Zero and negative quantities.
  { name: 'size-zero', path: 'storage.volumes.data.size', problem: 'is "0Gi" but must be a positive size' },
  { name: 'size-negative', path: 'backups[0].size', problem: 'is "-2Gi" but must be a positive size' },
  { name: 'replicas-negative', path: 'components.web.replicas', problem: 'is -1 but must be at least 0' },
  { name: 'retention-zero', path: 'backups[0].retentionDays', problem: 'is 0 but must be at least 1' },
  // The SQLite single writer and autoscaling.
  { name: 'sqlite-writer-replicas', path: 'components.api.replicas', problem: 'is 2 but a SQLite backend is a single writer', spawn: true },
  { name: 'sqlite-writer-replicas-in-override', path: 'environments.production.components.api.replicas', problem: 'is 3 but a SQLite backend is a single writer' },
  { name: 'sqlite-writer-autoscaling', path: 'components.api.autoscaling', problem: 'cannot be set: a SQLite backend is a single writer' },
  { name: 'hpa-min-above-max', path: 'components.web.autoscaling.minReplicas', problem: 'is 5 but maxReplicas is 2; minReplicas must be at most maxReplicas' },
  { name: 'replicas-with-autoscaling', path: 'components.web.replicas', problem: "is set together with 'autoscaling'; the HPA owns the replica count" },
  // Secrets where only settings belong, named by key.
  { name: 'secret-in-config-password', path: 'config.SMTP_PASSWORD', problem: 'looks like a secret (its name "SMTP_PASSWORD" says it holds a secret); move SMTP_PASSWORD to secrets.keys', spawn: true },
  { name: 'secret-in-config-api-key', path: 'config.STRIPE_API_KEY', problem: 'looks like a secret (its name "STRIPE_API_KEY" says it holds a key)' },
  { name: 'secret-in-config-url-credentials', path: 'config.UPSTREAM_URL', problem: 'looks like a secret (its value holds a URL with a password in it); move UPSTREAM_URL' },
  { name: 'secret-in-config-private-key', path: 'config.JWT_SIGNER_PEM', problem: 'looks like a secret (its value holds a private key); move JWT_SIGNER_PEM' },
  { name: 'secret-in-component-env', path: 'components.web.env.GITHUB_TOKEN', problem: 'looks like a secret (its name "GITHUB_TOKEN" says it holds a secret)' },
  // Files that are not one YAML mapping.
  { name: 'yaml-syntax-error', path: '(document)', problem: 'is not valid YAML at line 50, column 5: missed comma between flow collection entries', spawn: true },
  { name: 'yaml-bad-indentation', path: '(document)', problem: 'is not valid YAML at line 41, column 10: bad indentation of a mapping entry' },
  { name: 'yaml-duplicate-key', path: '(document)', problem: 'is not valid YAML at line 38, column 3: duplicated mapping key' },
  { name: 'empty-file', path: '(document)', problem: 'is empty; a spec is a YAML mapping', spawn: true },
  { name: 'comments-only', path: '(document)', problem: 'is empty; a spec is a YAML mapping' },
  { name: 'top-level-list', path: '(document)', problem: 'must be a YAML mapping (key: value lines) but is a list', spawn: true },
  { name: 'top-level-scalar', path: '(document)', problem: 'must be a YAML mapping (key: value lines)' },
  // Images.
  { name: 'image-latest-tag', path: 'components.web.image', problem: "it uses the tag 'latest', which moves with every push (rule no-latest-tag): pin the release tag or digest CI built, e.g. :v1.4.2" },
  { name: 'image-without-tag', path: 'components.web.image', problem: 'is "registry.example.com/shop-web" but must be an image reference pinned by tag or digest' },
  { name: 'image-registry-port-no-tag', path: 'components.web.image', problem: 'must be an image reference pinned by tag or digest' },
  // Probes.
  { name: 'missing-probes', path: 'components.web.probes.liveness', problem: 'is required: Kubernetes restarts a hung container only if it has a liveness probe' },
  { name: 'probe-two-forms', path: 'components.web.probes.liveness', problem: "must set exactly one of 'path' (HTTP GET), 'command' (exec) or 'tcp: true'; it sets 2" },
  // References between fields.
  { name: 'route-to-missing-component', path: 'ingress.routes[0].component', problem: 'refers to component "admin", which does not exist' },
  { name: 'route-to-worker', path: 'ingress.routes[0].component', problem: 'refers to "mailer", a worker with no Service' },
  { name: 'connects-to-worker', path: 'components.web.connectsTo[1]', problem: 'refers to "mailer", a worker that listens on no port' },
  { name: 'connects-to-missing-component', path: 'components.web.connectsTo[0]', problem: 'refers to component "cart", which does not exist' },
  { name: 'volume-not-defined', path: 'components.api.volumes.media', problem: 'refers to volume "media", which storage.volumes does not define; defined: data' },
  { name: 'environment-not-in-platform', path: 'environments.qa', problem: 'is not an environment of platform.yaml; known: dev, staging, production', spawn: true },
  // Resources and ports.
  { name: 'limits-below-requests', path: 'components.api.resources.limits.memory', problem: 'is 256Mi, below the request 512Mi' },
  { name: 'cpu-limit-below-request', path: 'components.api.resources.limits.cpu', problem: 'is 250m, below the request 500m' },
  { name: 'port-zero', path: 'components.api.port', problem: 'is 0 but must be at least 1' },
  { name: 'port-too-high', path: 'components.api.port', problem: 'is 70000 but must be at most 65535' },
  // Secret modes.
  { name: 'sealed-missing-encrypted-key', path: 'secrets.encryptedData.SMTP_PASSWORD', problem: "is missing: with mode 'sealed' every key needs its kubeseal-encrypted value" },
  { name: 'external-without-store', path: 'secrets.store', problem: "is required when mode is 'external'" },
  // The system's name.
  { name: 'name-file-mismatch', path: 'name', problem: 'is "store" but the file is shop.yaml; name the file store.yaml', spawn: true },
  { name: 'reserved-system-name', path: 'name', problem: '"platform" is reserved for dist/<env>/platform/' },
];

/** How messages show a file: relative to the working directory when inside it, else absolute. */
function shown(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

/** The one spec file of a case folder. */
function specOf(dir: string): string {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  if (files.length !== 1) throw new Error(`${dir} must hold exactly one spec, holds ${files.join(', ') || 'none'}`);
  return join(dir, files[0]);
}


/** A temporary parent with `out/` pre-populated by a sentinel tree, as a previous synth would have left it. */
function sentinelOut(): { parent: string; out: string } {
  const parent = mkdtempSync(join(tmpdir(), 'bad-spec-'));
  const out = join(parent, 'out');
  mkdirSync(join(out, 'dev', 'shop'), { recursive: true });
  copyFileSync(PLATFORM, join(out, 'dev', 'shop', 'sentinel-platform.yaml'));
  copyFileSync(specOf(MINIMAL), join(out, 'sentinel-spec.yaml'));
  writeFileSync(join(out, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
  return { parent, out };
}

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly stdout: string;
}

function runInProcess(apps: string, out: string): Run {
  let stdout = '';
  let stderr = '';
  const code = runSynth({ check: false, apps, out, platform: PLATFORM, quiet: false, build: {} }, (s) => (stdout += s), (s) => (stderr += s), createProgress(process.stderr, { CI: 'true' }));
  return { code, stderr, stdout };
}

/** The real CLI, as `npm run synth -- --apps DIR --out DIR` runs it, from the repository root. */
function runCli(apps: string, out: string): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['main.ts', '--apps', apps, '--out', out], { cwd: REPO, env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stderr, stdout }));
  });
}

/** The assertions every bad spec must pass. */
function expectRejected(run: Run, shownFile: string, path: string, problem: string): void {
  expect(run.code).toBe(1);
  const prefix = `${shownFile}: ${path}: `;
  const lines = run.stderr.split('\n').filter((l) => l.startsWith(prefix));
  // Shows the whole stderr when no line names the file and path.
  expect(lines.length > 0 ? lines : run.stderr).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
  expect(run.stderr).toMatch(/nothing was written/);
  expect(run.stdout).not.toMatch(/synthesized/);
}

function expectUntouched(parent: string, out: string, before: DirSnapshot): void {
  expect(snapshotDir(out)).toEqual(before);
  expect(readdirSync(parent)).toEqual(['out']);
}

test('the minimal spec every case varies is valid and synthesizes', () => {
  const { parent, out } = sentinelOut();
  try {
    const run = runInProcess(MINIMAL, out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'production', 'shop', 'deployment-shop-api.yaml'))).toBe(true);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('the corpus has a table entry for every case folder and a folder for every entry', () => {
  expect(readdirSync(CORPUS).sort()).toEqual(CASES.map((c) => c.name).sort());
  expect(CASES.length).toBeGreaterThanOrEqual(28);
});

test('each case file is named after its system, except the case about the name', () => {
  for (const c of CASES) {
    const file = specOf(join(CORPUS, c.name));
    const text = readFileSync(file, 'utf8');
    const name = /^name: (\S+)$/m.exec(text)?.[1];
    if (c.name === 'name-file-mismatch' || name === undefined) continue;
    expect(`${c.name}: ${name}.yaml`).toBe(`${c.name}: ${file.split('/').pop()}`);
  }
});

describe('rejects a bad spec in-process with exit 1, the file, the field path and the problem, writing nothing', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dir = join(CORPUS, c.name);
    const { parent, out } = sentinelOut();
    try {
      const before = snapshotDir(out);
      const run = runInProcess(dir, out);
      expectRejected(run, shown(specOf(dir)), c.path, c.problem);
      expectUntouched(parent, out, before);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

test('rejects a spec larger than 256 KiB before parsing it', () => {
  const { parent, out } = sentinelOut();
  try {
    const apps = join(parent, 'apps');
    mkdirSync(apps);
    const file = join(apps, 'shop.yaml');
    writeFileSync(file, `${readFileSync(specOf(MINIMAL), 'utf8')}configFiles:\n  big.txt: "${'x'.repeat(MAX_SPEC_BYTES)}"\n`);
    const before = snapshotDir(out);
    const run = runInProcess(apps, out);
    expectRejected(run, shown(file), '(document)', `bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes`);
    expect(snapshotDir(out)).toEqual(before);
    expect(readdirSync(parent).sort()).toEqual(['apps', 'out']);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('reports the problems of every bad file in one run', () => {
  const { parent, out } = sentinelOut();
  try {
    const apps = join(parent, 'apps');
    mkdirSync(apps);
    copyFileSync(specOf(join(CORPUS, 'port-zero')), join(apps, 'shop.yaml'));
    copyFileSync(specOf(join(CORPUS, 'reserved-system-name')), join(apps, 'platform.yaml'));
    const run = runInProcess(apps, out);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${shown(join(apps, 'shop.yaml'))}: components.api.port: is 0`);
    expect(run.stderr).toContain(`${shown(join(apps, 'platform.yaml'))}: name: "platform" is reserved`);
    expect(run.stderr).toMatch(/synth failed with 2 errors; nothing was written/);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

describe('rejects a bad spec through the real CLI (child process) with exit 1, writing nothing', () => {
  interface Spawned {
    readonly name: string;
    readonly shown: string;
    readonly path: string;
    readonly problem: string;
    readonly parent: string;
    readonly out: string;
    readonly before: DirSnapshot;
    readonly siblings: string[];
    run?: Run;
  }
  const spawned: Spawned[] = [];

  beforeAll(async () => {
    for (const c of CASES.filter((x) => x.spawn === true)) {
      const dir = join(CORPUS, c.name);
      const { parent, out } = sentinelOut();
      spawned.push({ name: c.name, shown: shown(specOf(dir), REPO), path: c.path, problem: c.problem, parent, out, before: snapshotDir(out), siblings: ['out'] });
    }
    // The huge file is generated, never committed.
    const { parent, out } = sentinelOut();
    const apps = join(parent, 'apps');
    mkdirSync(apps);
    const huge = join(apps, 'shop.yaml');
    writeFileSync(huge, `${readFileSync(specOf(MINIMAL), 'utf8')}${'# padding to exceed the size limit\n'.repeat(Math.ceil(MAX_SPEC_BYTES / 30))}`);
    spawned.push({
      name: 'huge-file',
      shown: shown(huge, REPO),
      path: '(document)',
      problem: `bytes; a spec may be at most ${MAX_SPEC_BYTES} bytes`,
      parent,
      out,
      before: snapshotDir(out),
      siblings: ['apps', 'out'],
    });
    // Two at a time: each child compiles the CLI with esbuild.
    for (let i = 0; i < spawned.length; i += 2) {
      await Promise.all(spawned.slice(i, i + 2).map(async (s) => (s.run = await runCli(s.name === 'huge-file' ? join(s.parent, 'apps') : join(CORPUS, s.name), s.out))));
    }
  }, 120_000);

  afterAll(() => {
    for (const s of spawned) rmSync(s.parent, { recursive: true, force: true });
  });

  test('runs at least five cases as child processes', () => {
    expect(spawned.length).toBeGreaterThanOrEqual(5);
  });

  test.each([...CASES.filter((c) => c.spawn === true).map((c) => c.name), 'huge-file'])('%s', (name) => {
    const s = spawned.find((x) => x.name === name)!;
    expectRejected(s.run!, s.shown, s.path, s.problem);
    expect(snapshotDir(s.out)).toEqual(s.before);
    expect(readdirSync(s.parent).sort()).toEqual(s.siblings);
  });
});
