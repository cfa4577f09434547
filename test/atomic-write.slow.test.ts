/**
 * dist/ is never half-written: a synth killed while staging leaves the previous dist/
 * byte-identical, a synth killed between its two renames is put back by the next run, and
 * files whose content did not change keep their inode and mtime.
 * Kills are real: test/fixtures/interrupted-synth.ts SIGKILLs itself from the writer's
 * afterStagedFile hook, in a child process.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runSynth } from '../src/cli/synth-command';
import { createProgress } from '../src/cli/progress';
import { readTree, recoverInterruptedWrite, writeTree } from '../src/synth/write';
import { DirSnapshot, snapshotDir } from './support/snapshot-dir';

/** Progress that prints nothing (as in CI). */
const QUIET = createProgress(process.stderr, { CI: 'true' });

const REPO = resolve(__dirname, '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');
const HELPER = join(__dirname, 'fixtures', 'interrupted-synth.ts');



/** A temporary copy of the repository's specs and platform settings. */
interface Workspace {
  readonly dir: string;
  readonly apps: string;
  readonly platform: string;
  readonly dist: string;
}

function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
  cpSync(join(REPO, 'apps'), join(dir, 'apps'), { recursive: true });
  cpSync(join(REPO, 'platform.yaml'), join(dir, 'platform.yaml'));
  return { dir, apps: join(dir, 'apps'), platform: join(dir, 'platform.yaml'), dist: join(dir, 'dist') };
}

function tsx(args: string[]): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(TSX, args, { cwd: REPO, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** `npm run synth -- --apps ... --out ... --platform ...` as a child process. */
function synth(ws: Workspace) {
  return tsx(['main.ts', '--apps', ws.apps, '--out', ws.dist, '--platform', ws.platform]);
}

/** Sets the tag of one image in apps/magnetiq.yaml, whatever it was. */
function setMagnetiqTag(ws: Workspace, image: string, tag: string): void {
  const file = join(ws.apps, 'magnetiq.yaml');
  const text = readFileSync(file, 'utf8');
  const pattern = new RegExp(`${image}:[A-Za-z0-9_.-]+`, 'g');
  expect(text).toMatch(pattern);
  writeFileSync(file, text.replace(pattern, `${image}:${tag}`));
}

/** Folders beside dist/ that the writer leaves while (or after failing) to replace it. */
function leftovers(ws: Workspace): string[] {
  return readdirSync(ws.dir).filter((n) => n.startsWith('.dist.')).sort();
}

describe('a synth killed while staging leaves dist/ intact, and the next run recovers', () => {
  let ws: Workspace;
  let total: number;

  beforeAll(() => {
    ws = workspace();
    const first = synth(ws);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    total = readTree(ws.dist).size;
  }, 180_000);

  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  const killPoints: Array<[string, (total: number) => number]> = [
    ['after the first staged file', () => 1],
    ['half-way through staging', (n) => Math.floor(n / 2)],
    ['after the last staged file, before any rename', (n) => n],
  ];

  test.each(killPoints.map(([label, at], i) => [label, at, i] as const))('killed %s', (_label, at, i) => {
    const before = snapshotDir(ws.dist);
    const tag = `v9.0.${i + 1}`;
    setMagnetiqTag(ws, 'magnetiq-backend', tag);
    const killAfter = at(total);

    const killed = tsx([HELPER, ws.apps, ws.platform, ws.dist, String(killAfter)]);
    // tsx runs the script in a child node process and exits 128 + 9 when that child is SIGKILLed.
    const killedBy = killed.signal ?? (killed.status === 128 + 9 ? 'SIGKILL' : `exit code ${killed.status}: ${killed.stderr}`);
    expect(killedBy).toBe('SIGKILL');
    expect(killed.stdout).toBe('');

    // The previous dist/ is byte-identical, down to inodes and mtimes.
    expect(snapshotDir(ws.dist)).toEqual(before);
    // The kill really happened mid-write: a staging folder holds exactly the files staged so far.
    // It also left its lock, naming a process that is gone: the next run breaks it.
    const [lock, ...staging] = leftovers(ws);
    expect(lock).toBe('.dist.lock');
    expect(staging).toHaveLength(1);
    expect(staging[0]).toMatch(/^\.dist\.staging-/);
    expect(readTree(join(ws.dir, staging[0])).size).toBe(killAfter);

    // A normal run drops the abandoned staging folder and writes the new content.
    const next = synth(ws);
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(next.stdout).toMatch(/0 added, [1-9]\d* changed, 0 removed/);
    expect(leftovers(ws)).toEqual([]);
    const backend = readFileSync(join(ws.dist, 'production', 'magnetiq', 'deployment-magnetiq-backend.yaml'), 'utf8');
    expect(backend).toContain(`magnetiq-backend:${tag}`);
    expect(readTree(ws.dist).size).toBe(total);
  }, 180_000);
});

describe('a synth killed between its two renames is recovered', () => {
  let ws: Workspace;
  let synthesized: DirSnapshot;

  beforeAll(() => {
    ws = workspace();
    let err = '';
    const code = runSynth({ check: false, apps: ws.apps, out: ws.dist, platform: ws.platform, quiet: true, build: {} }, () => undefined, (s) => (err += s), QUIET);
    expect(err).toBe('');
    expect(code).toBe(0);
    synthesized = snapshotDir(ws.dist);
  }, 180_000);

  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  /** The state after `rename(dist, aside)` and before `rename(staging, dist)`. */
  function killBetweenRenames(): { aside: string; staging: string } {
    const suffix = '99999999-1700000000000';
    const aside = join(ws.dir, `.dist.old-${suffix}`);
    const staging = join(ws.dir, `.dist.staging-${suffix}`);
    renameSync(ws.dist, aside);
    mkdirSync(join(staging, 'dev'), { recursive: true });
    writeFileSync(join(staging, 'dev', 'half-written.yaml'), 'kind: Half\n');
    return { aside, staging };
  }

  test('recoverInterruptedWrite puts the old dist/ back byte for byte and drops the staging folder', () => {
    killBetweenRenames();
    expect(existsSync(ws.dist)).toBe(false);
    recoverInterruptedWrite(ws.dist);
    expect(snapshotDir(ws.dist)).toEqual(synthesized);
    expect(leftovers(ws)).toEqual([]);
  });

  test('recoverInterruptedWrite keeps a complete new dist/ and removes the old one left beside it', () => {
    const before = snapshotDir(ws.dist);
    const aside = join(ws.dir, '.dist.old-99999999-1700000000001');
    cpSync(ws.dist, aside, { recursive: true });
    writeFileSync(join(aside, 'stale.yaml'), 'kind: Stale\n');
    recoverInterruptedWrite(ws.dist);
    expect(snapshotDir(ws.dist)).toEqual(before);
    expect(leftovers(ws)).toEqual([]);
  });

  test('the next synth recovers first, then writes the new content', () => {
    killBetweenRenames();
    setMagnetiqTag(ws, 'magnetiq-frontend', 'v9.1.0');
    let out = '';
    let err = '';
    const code = runSynth({ check: false, apps: ws.apps, out: ws.dist, platform: ws.platform, quiet: false, build: {} }, (s) => (out += s), (s) => (err += s), QUIET);
    expect(err).toBe('');
    expect(code).toBe(0);
    // Nothing added or removed: the recovered tree, not an empty folder, was the base of the diff.
    expect(out).toMatch(/0 added, [1-9]\d* changed, 0 removed/);
    expect(leftovers(ws)).toEqual([]);
    expect(readFileSync(join(ws.dist, 'dev', 'magnetiq', 'deployment-magnetiq-frontend.yaml'), 'utf8')).toContain('magnetiq-frontend:v9.1.0');
    expect(existsSync(join(ws.dist, 'dev', 'half-written.yaml'))).toBe(false);
  });
});

describe('unchanged files keep their inode and mtime', () => {
  let ws: Workspace;

  beforeAll(() => {
    ws = workspace();
    expect(synth(ws).status).toBe(0);
  }, 180_000);

  afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

  test('across a synth that changes another file', () => {
    const before = snapshotDir(ws.dist);
    setMagnetiqTag(ws, 'magnetiq-frontend', 'v9.2.0');
    const r = synth(ws);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const after = snapshotDir(ws.dist);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());

    const changed = [...after.keys()].filter((p) => !after.get(p)!.bytes.equals(before.get(p)!.bytes)).sort();
    expect(changed).toEqual(expect.arrayContaining(['dev', 'production', 'staging'].map((env) => `${env}/magnetiq/deployment-magnetiq-frontend.yaml`)));
    expect(changed.length).toBeLessThan(after.size / 2);
    for (const [path, file] of after) {
      if (changed.includes(path)) {
        expect({ path, newInode: file.ino !== before.get(path)!.ino }).toEqual({ path, newInode: true });
      } else {
        expect({ path, ino: file.ino, mtimeMs: file.mtimeMs }).toEqual({ path, ino: before.get(path)!.ino, mtimeMs: before.get(path)!.mtimeMs });
      }
    }
  }, 180_000);

  test('and a synth that changes nothing touches nothing', () => {
    const before = snapshotDir(ws.dist);
    const distInode = statSync(ws.dist).ino;
    const r = synth(ws);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/0 added, 0 changed, 0 removed/);
    expect(snapshotDir(ws.dist)).toEqual(before);
    expect(statSync(ws.dist).ino).toBe(distInode);
  }, 180_000);
});

test('writeTree with a hook that throws leaves the previous tree and reports the error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-write-'));
  try {
    const out = join(dir, 'dist');
    writeTree(out, new Map([['a.yaml', 'a: 1\n'], ['sub/b.yaml', 'b: 1\n']]));
    const before = snapshotDir(out);
    expect(() =>
      writeTree(out, new Map([['a.yaml', 'a: 2\n'], ['sub/b.yaml', 'b: 2\n']]), {
        afterStagedFile: () => {
          throw new Error('disk full');
        },
      }),
    ).toThrow('disk full');
    expect(snapshotDir(out)).toEqual(before);
    writeTree(out, new Map([['a.yaml', 'a: 2\n'], ['sub/b.yaml', 'b: 2\n']]));
    expect(readTree(out)).toEqual(new Map([['a.yaml', 'a: 2\n'], ['sub/b.yaml', 'b: 2\n']]));
    expect(readdirSync(dir)).toEqual(['dist']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
