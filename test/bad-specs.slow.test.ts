/**
 * Every case of the bad-spec corpus through the real CLI (`node scripts/synth.js`, as
 * `npm run synth` runs it), as a user would: exit 1, no stack trace, the output folder and its
 * parent untouched, and exactly the messages the in-process run prints (whose wording
 * test/bad-specs.test.ts pins case by case).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createProgress } from '../src/cli/progress';
import { runSynth } from '../src/cli/synth-command';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from '../src/synth/output-folder';
import { snapshotDir } from './support/snapshot-dir';

const REPO = resolve(__dirname, '..');
const CORPUS = join(__dirname, 'bad-specs');
const SYNTH = join(REPO, 'scripts', 'synth.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The specs folder and platform file of a case (see inputsOf in bad-specs.test.ts). */
function inputs(name: string): { apps: string; platform: string } {
  const dir = join(CORPUS, name);
  if (!existsSync(join(dir, 'apps'))) return { apps: dir, platform: join(REPO, 'platform.yaml') };
  const own = join(dir, 'platform.yaml');
  return { apps: join(dir, 'apps'), platform: existsSync(own) ? own : join(REPO, 'platform.yaml') };
}

function cli(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SYNTH, ...args], { cwd: REPO, env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const names = readdirSync(CORPUS).sort();
const runs = new Map<string, { run: Run; inProcess: string; out: string; parent: string; before: ReturnType<typeof snapshotDir> }>();

beforeAll(async () => {
  const pending = names.map((name) => async () => {
    const parent = mkdtempSync(join(tmpdir(), 'bad-spec-cli-'));
    const out = join(parent, 'out');
    mkdirSync(join(out, 'dev'), { recursive: true });
    writeFileSync(join(out, 'dev', 'sentinel.yaml'), 'kind: Sentinel\n');
    writeFileSync(join(out, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    const before = snapshotDir(out);
    const { apps, platform } = inputs(name);
    let inProcess = '';
    runSynth({ check: false, apps, out, platform, quiet: false, build: {} }, () => undefined, (s) => (inProcess += s), createProgress(process.stderr, { CI: 'true' }));
    const run = await cli(['--apps', apps, '--out', out, '--platform', platform]);
    runs.set(name, { run, inProcess, out, parent, before });
  });
  // Two at a time: the machine is shared.
  for (let i = 0; i < pending.length; i += 2) await Promise.all(pending.slice(i, i + 2).map((f) => f()));
}, 900_000);

afterAll(() => {
  for (const r of runs.values()) rmSync(r.parent, { recursive: true, force: true });
});

test('the corpus holds at least 100 cases', () => {
  expect(names.length).toBeGreaterThanOrEqual(100);
});

test.each(names)('%s: exit 1 through the CLI, the same messages as in-process, no stack trace, nothing written', (name) => {
  const r = runs.get(name)!;
  expect(r.run.stderr).not.toMatch(/^\s+at /m);
  expect(r.run.stderr).toBe(r.inProcess);
  expect(r.run.code).toBe(1);
  expect(snapshotDir(r.out)).toEqual(r.before);
  expect(readdirSync(r.parent)).toEqual(['out']);
});
