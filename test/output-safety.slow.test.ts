/**
 * Output safety with real processes, as a user would hit it: `npm run synth -- --out X` run
 * from a git checkout refuses every folder that is not synth's own (exit 2, nothing touched),
 * and synths started at the same time on one output folder take turns: each one that reports
 * success leaves a complete tree, and none removes another's staging folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OutputLock } from '../src/synth/output-folder';
import { readTree } from '../src/synth/write';
import { snapshotDir } from './support/snapshot-dir';

const REPO = resolve(__dirname, '..');
const SYNTH = join(REPO, 'scripts', 'synth.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A git checkout holding a copy of the repository's specs, platform file and a source file. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'output-safety-'));
  cpSync(join(REPO, 'apps'), join(dir, 'apps'), { recursive: true });
  cpSync(join(REPO, 'platform.yaml'), join(dir, 'platform.yaml'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'main.ts'), 'export {};\n');
  spawnSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

function synth(cwd: string, args: string[], onStderr?: (s: string) => void): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SYNTH, ...args], { cwd, env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('synth refuses to replace a folder that is not its own, run from a git checkout', () => {
  let dir: string;
  beforeAll(() => {
    dir = checkout();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ['the checkout root', '.', '--out .: is the working directory (your checkout)'],
    ['an empty --out (an unset shell variable)', '', '--out is empty (an unset shell variable?)'],
    ['the specs folder', 'apps', '--out apps: is the specs folder (--apps)'],
    ['the sources', 'src', '--out src: holds files that synth did not write'],
    ['a file', 'src/main.ts', '--out src/main.ts: is a file, not a folder'],
    ['the folder holding the checkout', '..', '--out ..: holds the working directory (your checkout)'],
  ])('rejects %s with exit 2, the reason and no stack trace, touching nothing', async (_what, out, message) => {
    const before = snapshotDir(dir);
    const run = await synth(dir, ['--out', out]);
    expect(run.stderr).toContain(`error: ${message}`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).toBe(2);
    expect(snapshotDir(dir)).toEqual(before);
  }, 60_000);

  test('rejects a missing --apps folder with exit 2', async () => {
    const run = await synth(dir, ['--apps', 'no-such-folder']);
    expect(run.stderr).toContain('error: --apps no-such-folder: the folder does not exist');
    expect(run.code).toBe(2);
  }, 60_000);

  test('writes dist/ inside the checkout and marks it, then replaces it on the next run', async () => {
    const first = await synth(dir, []);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(readdirSync(join(dir, 'dist')).sort()).toEqual(['.gitops-synth-output', 'dev', 'production', 'staging']);
    const second = await synth(dir, []);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 added, 0 changed, 0 removed/);
  }, 60_000);
});

describe('concurrent synths on one output folder take turns', () => {
  let dir: string;
  let expected: number;
  beforeAll(async () => {
    dir = checkout();
    const reference = await synth(dir, ['--out', 'reference']);
    expect(reference.code).toBe(0);
    expected = readTree(join(dir, 'reference')).size;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('three synths started while a lock is held all wait, then each leaves the complete tree', async () => {
    const out = join(dir, 'dist');
    // The test holds the lock first, so that all three really contend for it.
    const held = new OutputLock(out).acquire();
    let waiting = 0;
    let release!: () => void;
    const allWaiting = new Promise<void>((r) => (release = r));
    const runs = [0, 1, 2].map(() =>
      synth(dir, [], (stderr) => {
        if (stderr.includes(`waiting for another synth (pid ${process.pid}) to finish writing dist`) && ++waiting === 3) release();
      }),
    );
    await allWaiting;
    // Nobody wrote while the lock was held, and nobody removed another run's staging folder.
    expect(readdirSync(dir).filter((n) => n.startsWith('dist') || n.startsWith('.dist.staging'))).toEqual([]);
    held.release();
    const results = await Promise.all(runs);
    for (const r of results) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`synthesized ${expected} files into dist`);
    }
    expect(readTree(out).size).toBe(expected);
    expect(readTree(out)).toEqual(readTree(join(dir, 'reference')));
    expect(readdirSync(dir).filter((n) => n.startsWith('.dist.'))).toEqual([]);
  }, 120_000);

  test('five synths started together all succeed and leave the complete tree and no leftovers', async () => {
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => synth(dir, [])));
    for (const r of results) {
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`synthesized ${expected} files into dist`);
    }
    expect(readTree(join(dir, 'dist'))).toEqual(readTree(join(dir, 'reference')));
    expect(readdirSync(dir).filter((n) => n.startsWith('.dist.'))).toEqual([]);
  }, 180_000);

  test('a synth killed while holding the lock leaves it stale, and the next synth breaks it and succeeds', async () => {
    const child = spawn(process.execPath, [SYNTH], { cwd: dir, env: { ...process.env, CI: 'true' } });
    let heldLock = false;
    // Kill it as soon as it holds the lock (before it can finish).
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        heldLock = readdirSync(dir).includes('.dist.lock');
        if (heldLock || child.exitCode !== null) {
          clearInterval(poll);
          child.kill('SIGKILL');
          done();
        }
      }, 5);
    });
    await new Promise((r) => child.on('close', r));
    expect(heldLock).toBe(true);
    expect(readdirSync(dir)).toContain('.dist.lock');
    const next = await synth(dir, []);
    expect(next.code).toBe(0);
    expect(readTree(join(dir, 'dist'))).toEqual(readTree(join(dir, 'reference')));
    expect(readdirSync(dir).filter((n) => n.startsWith('.dist.'))).toEqual([]);
  }, 120_000);
});
