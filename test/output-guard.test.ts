/**
 * Which folders synth may replace, and the one-writer lock, in-process. The same refusals
 * through real processes, and real concurrent synths, are in output-safety.slow.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../src/cli/command';
import { guardInputDir, guardOutputDir } from '../src/cli/output-guard';
import { createProgress } from '../src/cli/progress';
import { runSynth } from '../src/cli/synth-command';
import { lockPathOf, OUTPUT_MARKER, OUTPUT_MARKER_TEXT, OutputLock, OutputLockError } from '../src/synth/output-folder';
import { recoverInterruptedWrite, StagedWriter } from '../src/synth/write';
import { snapshotDir } from './support/snapshot-dir';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'output-guard-'));
  mkdirSync(join(root, 'apps'));
  writeFileSync(join(root, 'apps', 'shop.yaml'), 'name: shop\n');
  writeFileSync(join(root, 'platform.yaml'), 'repoURL: x\n');
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'main.ts'), 'export {};\n');
  mkdirSync(join(root, '.git'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function refusal(out: string): string {
  try {
    guardOutputDir(out, { cwd: root, protect: [{ path: 'apps', what: 'the specs folder (--apps)' }, { path: 'platform.yaml', what: 'the platform file (--platform)' }] });
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  return '(accepted)';
}

const QUIET = createProgress(process.stderr, { CI: 'true' });

describe('guardOutputDir', () => {
  test.each([
    ['the checkout root', '.', '--out .: is the working directory (your checkout), which synth would delete'],
    ['an empty value (an unset shell variable)', '', '--out is empty (an unset shell variable?)'],
    ['blanks only', '  ', '--out is empty (an unset shell variable?)'],
    ['the specs folder', 'apps', '--out apps: is the specs folder (--apps), which synth would delete'],
    ['a folder holding the specs folder', '..', '--out ..: holds the working directory (your checkout)'],
    ['the sources', 'src', '--out src: holds files that synth did not write (there is no .gitops-synth-output file in it)'],
    ['a file', 'platform.yaml', '--out platform.yaml: is the platform file (--platform)'],
    ['the filesystem root', '/', '--out /: is the filesystem root'],
  ])('rejects %s', (_what, out, message) => {
    expect(refusal(out)).toContain(message);
  });

  test('rejects a file that is not a protected path', () => {
    writeFileSync(join(root, 'notes.txt'), 'x');
    expect(refusal('notes.txt')).toBe('--out notes.txt: is a file, not a folder; name a folder for the manifests such as dist; nothing was written');
  });

  test('rejects a folder holding .git even when synth marked it', () => {
    mkdirSync(join(root, 'other', '.git'), { recursive: true });
    writeFileSync(join(root, 'other', OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    expect(refusal('other')).toContain('--out other: holds .git: it is a git checkout');
  });

  test('rejects a symbolic link', () => {
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(refusal('link')).toContain('--out link: is a symbolic link');
  });

  test('accepts an absent, an empty and a marked folder', () => {
    mkdirSync(join(root, 'empty'));
    mkdirSync(join(root, 'marked'));
    writeFileSync(join(root, 'marked', OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    writeFileSync(join(root, 'marked', 'old.yaml'), 'kind: X\n');
    expect([refusal('dist'), refusal('empty'), refusal('marked'), refusal('build/dist')]).toEqual(['(accepted)', '(accepted)', '(accepted)', '(accepted)']);
  });

  test('rejects a missing --apps folder and an --apps that is a file as usage errors', () => {
    expect(() => guardInputDir('nope', '--apps', { mustExist: true, cwd: root })).toThrow(new UsageError('--apps nope: the folder does not exist'));
    expect(() => guardInputDir('platform.yaml', '--apps', { mustExist: false, cwd: root })).toThrow(new UsageError('--apps platform.yaml: is a file, not a folder'));
    expect(() => guardInputDir('', '--apps', { mustExist: false, cwd: root })).toThrow(UsageError);
  });
});

describe('runSynth refuses an output folder before reading any spec', () => {
  test('rejects --out naming the specs folder, leaving it byte-identical', () => {
    const before = snapshotDir(join(root, 'apps'));
    const opts = { check: false, apps: join(root, 'apps'), out: join(root, 'apps'), platform: join(root, 'platform.yaml'), quiet: true, build: {} };
    expect(() => runSynth(opts, () => undefined, () => undefined, QUIET)).toThrow(/is the specs folder \(--apps\)/);
    expect(snapshotDir(join(root, 'apps'))).toEqual(before);
  });

  test('rejects --check against a file as a usage error', () => {
    const opts = { check: true, apps: join(root, 'apps'), out: join(root, 'platform.yaml'), platform: join(root, 'platform.yaml'), quiet: true, build: {} };
    expect(() => runSynth(opts, () => undefined, () => undefined, QUIET)).toThrow(new UsageError(`--out ${join(root, 'platform.yaml')}: is a file, not a folder; name the folder synth writes, such as dist`));
  });
});

/** The pid of a process that has exited (and so holds nothing). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('the output lock', () => {
  test('a second writer of the same folder times out with a message naming the holder, touching nothing', () => {
    const out = join(root, 'dist');
    const first = new StagedWriter(out);
    first.set('a.yaml', 'kind: A\n');
    let waitedFor: number | undefined;
    expect(() => new StagedWriter(out, { lockTimeoutMs: 300, onLockWait: (pid) => (waitedFor = pid) })).toThrow(OutputLockError);
    expect(waitedFor).toBe(process.pid);
    first.commit();
    expect(readdirSync(root).filter((n) => n.startsWith('.dist.'))).toEqual([]);
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'a.yaml']);
  });

  test('a lock left by a dead process is broken, and the next writer proceeds', () => {
    const out = join(root, 'dist');
    writeFileSync(lockPathOf(out), `${deadPid()} ${require('node:os').hostname()} 1-stale\n`);
    const writer = new StagedWriter(out, { lockTimeoutMs: 2000 });
    writer.set('a.yaml', 'kind: A\n');
    expect(writer.commit().added).toEqual(['a.yaml']);
    expect(readdirSync(root).filter((n) => n.startsWith('.dist.'))).toEqual([]);
  });

  test('a writer whose lock was taken over does not replace the folder', () => {
    const out = join(root, 'dist');
    const writer = new StagedWriter(out);
    writer.set('a.yaml', 'kind: A\n');
    writeFileSync(lockPathOf(out), `${process.pid} ${require('node:os').hostname()} someone-else\n`);
    expect(() => writer.commit()).toThrow(new OutputLockError(`the lock on ${out} was taken over by another run while this one was writing; nothing was replaced, run synth again`));
    expect(readdirSync(root).filter((n) => n.startsWith('dist'))).toEqual([]);
  });

  test('lock timeout message names the holder and the lock file', () => {
    const out = join(root, 'dist');
    const held = new OutputLock(out).acquire();
    try {
      expect(() => new OutputLock(out).acquire({ timeoutMs: 0 })).toThrow(
        `another synth (pid ${process.pid}) is writing ${root.split('/').pop()}/dist and did not finish within 0 s; wait for it, or delete ${lockPathOf(out)} if no synth is running`,
      );
    } finally {
      held.release();
    }
  });

  test('clean-up removes the staging folders of dead runs only, never those of a live process', () => {
    const out = join(root, 'dist');
    const dead = join(root, `.dist.staging-${deadPid()}-1700000000000`);
    const live = join(root, `.dist.staging-${process.ppid}-1700000000000`);
    mkdirSync(dead);
    mkdirSync(live);
    recoverInterruptedWrite(out);
    expect(readdirSync(root).filter((n) => n.startsWith('.dist.'))).toEqual([`.dist.staging-${process.ppid}-1700000000000`]);
  });
});

describe('the other writing commands use the same guard', () => {
  const io = () => ({ out: () => undefined, err: () => undefined, color: false, env: {}, progress: { update: () => undefined, done: () => undefined } });

  test('set-image rejects --out naming the checkout before editing the spec', () => {
    const { runSetImage } = require('../src/cli/set-image-command') as typeof import('../src/cli/set-image-command');
    const before = snapshotDir(join(root, 'apps'));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const opts = { app: 'shop', env: 'dev', images: [{ component: 'api', image: 'registry.example.com/shop-api:v2.0.0' }], apps: 'apps', out: '.', platform: 'platform.yaml' };
      expect(() => runSetImage(opts, io())).toThrow('--out .: is the working directory (your checkout), which synth would delete');
    } finally {
      process.chdir(cwd);
    }
    expect(snapshotDir(join(root, 'apps'))).toEqual(before);
  });

  test('new-app rejects an --apps that is a file as a usage error', () => {
    const { runNewApp } = require('../src/cli/new-app-command') as typeof import('../src/cli/new-app-command');
    const opts = { name: 'blog', apps: join(root, 'platform.yaml'), platform: join(root, 'platform.yaml'), template: 'templates/app.yaml' };
    expect(() => runNewApp(opts, io())).toThrow(new UsageError(`--apps ${join(root, 'platform.yaml')}: is a file, not a folder`));
  });
});
