/**
 * `npm run bench`: synthesis time, throughput and peak memory of `npm run synth` against the
 * default cdk8s way (one App, ts-node), measured side by side in one run.
 *
 * For N = 10, 100, 1000 synthetic systems (copies of the specs in apps/, cycled, each renamed
 * <name>-0001...) in 3 environments, each measurement runs in its own child process:
 * - ours:     the synth script of package.json (node with a heap cap, scripts/synth.js: main.ts
 *             from its cached esbuild bundle) --apps DIR --out TMP --quiet; one run first on
 *             an empty cache measures the bundling a code change costs the next run
 * - baseline: npx ts-node bench/baseline-app.ts DIR (one cdk8s App, type-checked by ts-node
 *             with the tsconfig of `cdk8s init typescript-app`), skipped where the growth
 *             measured so far says it would pass 120 s.
 * Below N=1000 the two sides run in turn, REPEATS times each, and the median run stands (see REPEATS).
 * At N=1000, one spec is then edited and synth runs again from the cache the full run wrote
 * (src/synth/incremental.ts), REPEATS times, in turn with a synth of that one system alone.
 * Then the whole repository (apps/): `npm run synth` against `cdk8s synth` running the
 * baseline app, and the only-changed-files writer (a re-run touches nothing; one changed spec
 * rewrites only its own files).
 * Writes bench/results.md (Markdown table and ratios) and bench/results.svg (wall time vs N).
 * Ratios, never absolute thresholds: the machine may be shared (load average is recorded).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createProgress } from '../src/cli/progress';
import { uniqueHosts } from '../test/support/unique-hosts';

const ROOT = resolve(__dirname, '..');
const WORK = join(ROOT, 'bench', '.work');
/**
 * Where both tools write their output: tmpfs when the machine has one, so that the table
 * compares synthesis rather than this machine's disk (creating a small file on a busy virtual
 * disk can cost more than synthesizing the object in it); one extra run shows the disk cost.
 */
const SHM = '/dev/shm';
const OUT = existsSync(SHM) ? join(SHM, `gitops-synth-bench-${process.pid}`) : join(WORK, 'out');
const SIZES = [10, 100, 1000];
const ENVIRONMENTS = 3;
const BASELINE_LIMIT_S = 120;
/**
 * Runs per measurement below N=1000 and for the whole repository; the median stands. Short
 * runs on a shared machine vary by ±20 % (a 3 s run has measured 2.7-4.2 s), so one run of
 * each side could tip a ratio either way; and the first run of ours at each N loads every spec
 * while the later ones find them in the spec cache, as a user's second run does.
 */
const REPEATS = 5;
const TIME = '/usr/bin/time';
/** `npm run synth` as package.json defines it (node, its flags, main.ts), without npm's own start-up. */
const SYNTH_SCRIPT = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { synth: string } }).scripts.synth;
const [SYNTH_BIN, ...SYNTH] = SYNTH_SCRIPT.split(' ');
const SYNTH_CMD = SYNTH_BIN === 'node' ? process.execPath : join(ROOT, 'node_modules', '.bin', SYNTH_BIN);
const CDK8S = join(ROOT, 'node_modules', '.bin', 'cdk8s');

interface Run {
  readonly ok: boolean;
  readonly wallS: number;
  readonly cpuS?: number;
  readonly maxRssMiB?: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Stopped at the time limit. */
  readonly killed: boolean;
}

/** A status line while a measurement runs, on a terminal only (quiet in CI and in logs). */
const progress = createProgress(process.stderr, process.env);

function log(s: string): void {
  progress.done();
  process.stdout.write(`${s}\n`);
}

/**
 * Runs a command in a child process; wall time from here, CPU and peak RSS from /usr/bin/time -v.
 * With a limit, `timeout` stops the command's whole process group (npx, ts-node) at that time.
 */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, limitS?: number): Run {
  const timeFile = join(WORK, 'time.txt');
  rmSync(timeFile, { force: true });
  const useTime = existsSync(TIME);
  const [c, a] = limitS === undefined ? [cmd, args] : ['timeout', ['-s', 'KILL', String(limitS), cmd, ...args]];
  const [file, argv] = useTime ? [TIME, ['-v', '-o', timeFile, c, ...a]] : [c, a];
  progress.update(`running ${basename(cmd)} ${args.map((a) => basename(a)).join(' ')}`);
  const started = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  let cpuS: number | undefined;
  let maxRssMiB: number | undefined;
  if (useTime && existsSync(timeFile)) {
    const t = readFileSync(timeFile, 'utf8');
    const num = (label: string) => Number(new RegExp(`${label}: ([0-9.]+)`).exec(t)?.[1] ?? NaN);
    cpuS = num('User time \\(seconds\\)') + num('System time \\(seconds\\)');
    maxRssMiB = num('Maximum resident set size \\(kbytes\\)') / 1024;
  }
  const killed = limitS !== undefined && r.status === 137 && wallS >= limitS;
  return { ok: r.status === 0, killed, wallS, cpuS, maxRssMiB, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countFiles(join(dir, e.name));
    else if (e.isFile()) n++;
  }
  return n;
}

function inodes(dir: string, prefix = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) for (const [k, v] of inodes(join(dir, e.name), rel)) out.set(k, v);
    else out.set(rel, statSync(join(dir, e.name)).ino);
  }
  return out;
}

/** The seed specs in apps/ right now, as [name, text]. */
function seeds(): Array<[string, string]> {
  const dir = join(ROOT, 'apps');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const name = /^name:\s*["']?([a-z0-9-]+)["']?\s*$/m.exec(text)?.[1];
      if (name === undefined) throw new Error(`apps/${f} has no top-level name: line`);
      return [name, text];
    });
}

/**
 * N synthetic systems: the seed specs cycled, each a copy with its top-level name (and any
 * explicit namespace) given a -NNNN suffix and its file named after it, and its hosts moved
 * under a domain of its own (one host belongs to one system), and the object names its patches
 * target renamed with it. Images and other fields keep the seed's values (a database name, say, has rules of its own).
 */
function generate(n: number, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const list = seeds();
  for (let i = 1; i <= n; i++) {
    const [seedName, text] = list[(i - 1) % list.length];
    const suffix = String(i).padStart(4, '0');
    const name = `${seedName}-${suffix}`;
    const renamed = uniqueHosts(
      text
        // Patches and their volumes name the objects synth generates, which carry the system's name.
        .replace(new RegExp(`(name:\\s*)${seedName}-`, 'g'), `$1${name}-`)
        .replace(/^name:.*$/m, `name: ${name}`)
        .replace(/^(namespace:\s*)([a-z0-9-]+)\s*$/m, (_line, key: string, ns: string) => `${key}${ns}-${suffix}`),
      `s${suffix}`,
    );
    writeFileSync(join(dir, `${name}.yaml`), renamed);
  }
}

/** The tsconfig of `cdk8s init typescript-app`, with only what this code base needs to compile. */
function baselineTsconfig(): string {
  const template = join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');
  const config = JSON.parse(readFileSync(template, 'utf8')) as { compilerOptions: Record<string, unknown>; include?: string[]; exclude?: string[] };
  // es2016 lacks Object.entries and friends; the JSON schema imports need esModuleInterop.
  config.compilerOptions.lib = ['ES2022'];
  config.compilerOptions.esModuleInterop = true;
  config.compilerOptions.types = ['node'];
  const file = join(WORK, 'tsconfig.baseline.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The run with the median wall time of several, and the wall time of each. */
type Measured = Run & { readonly walls: readonly number[] };

interface Row {
  readonly n: number;
  readonly pairs: number;
  readonly ours: Measured & { files: number };
  readonly baseline?: Measured & { files: number };
  readonly baselineNote?: string;
}

/** The run with the median wall time stands for all (its CPU time and memory too); a failed or stopped run stands instead. */
function median(runs: readonly Run[]): Measured {
  const walls = runs.map((r) => r.wallS);
  const bad = runs.find((r) => !r.ok || r.killed);
  if (bad !== undefined) return { ...bad, walls };
  const sorted = [...runs].sort((a, b) => a.wallS - b.wallS);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], walls };
}

/**
 * Takes measurements `a` and `b` in turn, `times` times each, so that both sample the same
 * stretch of a shared machine's load; `b` stops at its first failed or stopped run, `a` at its
 * first failed one.
 */
function alternate(times: number, a: () => Run, b?: () => Run): [Measured, Measured | undefined] {
  const as: Run[] = [];
  const bs: Run[] = [];
  for (let i = 0; i < times; i++) {
    const ra = a();
    as.push(ra);
    if (!ra.ok) break;
    if (b !== undefined && bs.every((r) => r.ok && !r.killed)) bs.push(b());
  }
  return [median(as), b === undefined ? undefined : median(bs)];
}

/** Median wall time, with the range when there were several runs. */
function fmtWall(m: Measured): string {
  if (m.walls.length < 2) return fmtS(m.wallS);
  return `${fmtS(m.wallS)} (${fmtS(Math.min(...m.walls))}-${fmtS(Math.max(...m.walls))})`;
}

const fmtS = (s: number | undefined) => (s === undefined || Number.isNaN(s) ? 'n/a' : s.toFixed(2));
const fmtMiB = (m: number | undefined) => (m === undefined || Number.isNaN(m) ? 'n/a' : m.toFixed(0));

function fail(what: string, r: Run): never {
  process.stderr.write(`${what} failed:\n${r.stdout}\n${r.stderr}\n`);
  process.exit(1);
}

function main(): void {
  const benchStarted = Date.now();
  mkdirSync(WORK, { recursive: true });
  mkdirSync(OUT, { recursive: true });
  process.on('exit', () => rmSync(OUT, { recursive: true, force: true }));
  const loadBefore = loadavg();
  const tsconfig = baselineTsconfig();
  const tsNodeEnv = { TS_NODE_PROJECT: tsconfig };
  log(`# gitops-synth bench (${cpus().length} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);
  log(`seed specs: ${seeds().map(([n]) => n).join(', ')}`);

  // npm run synth bundles main.ts on its first run after a code change (scripts/synth.js);
  // that run is measured on its own, and every other run starts from the bundle, as a user's do.
  rmSync(join(ROOT, '.cache', 'synth'), { recursive: true, force: true });
  const repoCold = join(OUT, 'repo-cold');
  const coldRun = measure(SYNTH_CMD, [...SYNTH, '--out', repoCold, '--quiet']);
  if (!coldRun.ok) fail('first npm run synth (bundling main.ts)', coldRun);
  rmSync(repoCold, { recursive: true, force: true });
  log(`first run after a code change (bundles main.ts): ${fmtS(coldRun.wallS)} s`);

  const rows: Row[] = [];
  let incremental: Incremental | undefined;
  const baselinePoints: Array<{ n: number; wallS: number }> = [];
  for (const n of SIZES) {
    const apps = join(WORK, `apps-${n}`);
    generate(n, apps);
    const pairs = n * ENVIRONMENTS;

    const outOurs = join(OUT, `ours-${n}`);
    const outBase = join(OUT, `baseline-${n}`);
    // Every run writes into an empty folder (a re-run would find its files in place).
    const oursOnce = () => {
      rmSync(outOurs, { recursive: true, force: true });
      return measure(SYNTH_CMD, [...SYNTH, '--apps', apps, '--out', outOurs, '--quiet']);
    };
    const baselineOnce = () => {
      rmSync(outBase, { recursive: true, force: true });
      return measure('npx', ['ts-node', 'bench/baseline-app.ts', apps], { ...tsNodeEnv, CDK8S_OUTDIR: outBase }, BASELINE_LIMIT_S);
    };

    let baselineNote: string | undefined;
    // Linear growth measured between the two previous sizes; with fewer points the run is
    // simply stopped at the limit.
    let estimate: number | undefined;
    if (baselinePoints.length >= 2) {
      const [p, q] = baselinePoints.slice(-2);
      estimate = q.wallS + Math.max(0, (q.wallS - p.wallS) / (q.n - p.n)) * (n - q.n);
    }
    if (baselinePoints.length < rows.length) {
      baselineNote = 'skipped (a smaller N already passed the limit)';
    } else if (estimate !== undefined && estimate > BASELINE_LIMIT_S) {
      baselineNote = `skipped (estimated > ${BASELINE_LIMIT_S} s)`;
      log(`N=${n}: baseline ${baselineNote}: ~${estimate.toFixed(0)} s`);
    }
    const [ours, base] = alternate(n >= 1000 ? 1 : REPEATS, oursOnce, baselineNote === undefined ? baselineOnce : undefined);
    if (!ours.ok) fail(`ours at N=${n}`, ours);
    const oursRow = { ...ours, files: countFiles(outOurs) };
    log(`N=${n}: ours ${fmtWall(ours)} s, ${oursRow.files} files, ${fmtMiB(ours.maxRssMiB)} MiB`);

    let baseline: (Measured & { files: number }) | undefined;
    if (base?.killed) {
      baselineNote = `stopped at ${BASELINE_LIMIT_S} s`;
      log(`N=${n}: baseline ${baselineNote}`);
    } else if (base !== undefined) {
      if (!base.ok) fail(`baseline at N=${n}`, base);
      baseline = { ...base, files: countFiles(outBase) };
      baselinePoints.push({ n, wallS: base.wallS });
      log(`N=${n}: baseline ${fmtWall(base)} s, ${baseline.files} files, ${fmtMiB(base.maxRssMiB)} MiB`);
    }
    rmSync(outBase, { recursive: true, force: true });
    rows.push({ n, pairs, ours: oursRow, baseline, baselineNote });
    if (n === INCREMENTAL_N) incremental = measureIncremental(apps, outOurs, oursRow);
    if (n !== 100) rmSync(outOurs, { recursive: true, force: true });
  }

  // Only-changed-files writing, on the N=100 output: a re-run touches nothing, one changed
  // spec rewrites only its own system's files (and the Argo CD files that name it, if any).
  const apps100 = join(WORK, 'apps-100');
  const out100 = join(OUT, 'ours-100');
  const before = inodes(out100);
  const rerun = measure(SYNTH_CMD, [...SYNTH, '--apps', apps100, '--out', out100]);
  if (!rerun.ok) fail('re-run at N=100', rerun);
  const after = inodes(out100);
  const untouched = [...before].filter(([p, ino]) => after.get(p) === ino).length;
  const firstSpec = readdirSync(apps100).sort()[0];
  const specPath = join(apps100, firstSpec);
  writeFileSync(specPath, readFileSync(specPath, 'utf8').replace(/^(\s*image:\s*\S+:)([A-Za-z0-9._-]+)\s*$/m, '$1$2-bench'));
  const oneChange = measure(SYNTH_CMD, [...SYNTH, '--apps', apps100, '--out', out100]);
  if (!oneChange.ok) fail('one-change run at N=100', oneChange);
  const afterChange = inodes(out100);
  const rewritten = [...afterChange].filter(([p, ino]) => after.get(p) !== ino).map(([p]) => p);
  const outsideSystem = rewritten.filter((p) => p.split('/')[1] !== firstSpec.replace(/\.ya?ml$/, ''));
  rmSync(out100, { recursive: true, force: true });

  // The same N=100 run writing to disk (bench/.work/) instead of tmpfs.
  const diskOut = join(WORK, 'out-disk-100');
  rmSync(diskOut, { recursive: true, force: true });
  const disk = OUT.startsWith(SHM) ? measure(SYNTH_CMD, [...SYNTH, '--apps', apps100, '--out', diskOut, '--quiet']) : undefined;
  if (disk !== undefined && !disk.ok) fail('disk run at N=100', disk);
  rmSync(diskOut, { recursive: true, force: true });

  // The whole repository: npm run synth against cdk8s synth with the ts-node baseline app.
  const repoOurs = join(OUT, 'repo-ours');
  const repoBase = join(OUT, 'repo-baseline');
  const [repoOursRun, repoBaseRun] = alternate(
    REPEATS,
    () => {
      rmSync(repoOurs, { recursive: true, force: true });
      return measure('npm', ['run', '--silent', 'synth', '--', '--out', repoOurs, '--quiet']);
    },
    () => {
      rmSync(repoBase, { recursive: true, force: true });
      return measure(CDK8S, ['synth', '--app', 'npx ts-node bench/baseline-app.ts apps', '--output', repoBase], { ...tsNodeEnv, CDK8S_CHECK_UPGRADE: 'false' });
    },
  ) as [Measured, Measured];
  if (!repoOursRun.ok) fail('npm run synth', repoOursRun);
  if (!repoBaseRun.ok) fail('cdk8s synth (baseline)', repoBaseRun);
  const repoOursFiles = countFiles(repoOurs);
  const repoBaseFiles = countFiles(repoBase);
  rmSync(repoOurs, { recursive: true, force: true });
  rmSync(repoBase, { recursive: true, force: true });
  const loadAfter = loadavg();

  // Results.
  const lines: string[] = [];
  lines.push('# Bench results', '');
  lines.push(`Generated by \`npm run bench\` on ${new Date().toISOString()}: ${cpus().length} cores, Node ${process.version}, ` +
    `load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after ` +
    `(other processes may share the machine; the ratios are measured side by side in one run).`, '');
  lines.push(`Systems are copies of ${seeds().map(([n]) => `apps/${n}.yaml`).join(', ')}, cycled and renamed; each deploys to ${ENVIRONMENTS} environments.`);
  lines.push(`Ours: \`${SYNTH_SCRIPT} --apps DIR --out TMP --quiet\` (main.ts from the esbuild bundle scripts/synth.js keeps in .cache/synth/; validates every object, writes one file per object plus the Argo CD folders). ` +
    'Baseline: `npx ts-node bench/baseline-app.ts DIR`, all charts in one cdk8s `App`, type-checked by ts-node with the `cdk8s init typescript-app` tsconfig ' +
    '(lib ES2022, esModuleInterop); it neither validates objects nor builds the Argo CD folders. Wall time includes start-up; peak RSS is the whole process, worker threads included. ' +
    `Below N=1000 and for the whole repository the two sides ran in turn, ${REPEATS} times each: wall time is the median with the range in brackets, and CPU time and memory are those of the median run; N=1000 ran once.`, '');
  lines.push('| N systems | pairs | ours wall (s) | ours CPU (s) | ours files | ours objects/s | ours peak RSS (MiB) | baseline wall (s) | baseline CPU (s) | baseline files | baseline peak RSS (MiB) | speedup |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const b = r.baseline;
    lines.push(`| ${r.n} | ${r.pairs} | ${fmtWall(r.ours)} | ${fmtS(r.ours.cpuS)} | ${r.ours.files} | ${(r.ours.files / r.ours.wallS).toFixed(0)} | ${fmtMiB(r.ours.maxRssMiB)} | ` +
      (b === undefined ? `${r.baselineNote} | | | | |` : `${fmtWall(b)} | ${fmtS(b.cpuS)} | ${b.files} | ${fmtMiB(b.maxRssMiB)} | ${(b.wallS / r.ours.wallS).toFixed(2)}× |`));
  }
  lines.push('');
  lines.push('| whole repository (apps/) | wall (s) | CPU (s) | files | peak RSS (MiB) |', '|---|---:|---:|---:|---:|');
  lines.push(`| \`npm run synth\` | ${fmtWall(repoOursRun)} | ${fmtS(repoOursRun.cpuS)} | ${repoOursFiles} | ${fmtMiB(repoOursRun.maxRssMiB)} |`);
  lines.push(`| \`${SYNTH_SCRIPT}\`, first run after a code change (bundles main.ts first) | ${fmtS(coldRun.wallS)} | ${fmtS(coldRun.cpuS)} | ${repoOursFiles} | ${fmtMiB(coldRun.maxRssMiB)} |`);
  lines.push(`| \`cdk8s synth\` (ts-node, one App) | ${fmtWall(repoBaseRun)} | ${fmtS(repoBaseRun.cpuS)} | ${repoBaseFiles} | ${fmtMiB(repoBaseRun.maxRssMiB)} |`);
  lines.push('');

  const largest = [...rows].reverse().find((r) => r.baseline !== undefined)!;
  const first = rows[0];
  const last = rows[rows.length - 1];
  const perPair = (r: Row) => r.ours.wallS / r.pairs;
  const repoSpeedup = repoBaseRun.wallS / repoOursRun.wallS;
  const nSpeedup = largest.baseline!.wallS / largest.ours.wallS;
  const pairRatio = perPair(last) / perPair(first);
  const peak = last.ours.maxRssMiB ?? NaN;
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  lines.push('| ratio | measured | target | |', '|---|---:|---:|---|');
  lines.push(`| whole-repository synth speedup (cdk8s synth / npm run synth) | ${repoSpeedup.toFixed(2)}× | ≥ 3× | ${mark(repoSpeedup >= 3)} |`);
  lines.push(`| speedup vs one-App baseline at N=${largest.n} (largest N it finishes) | ${nSpeedup.toFixed(2)}× | ≥ 5× | ${mark(nSpeedup >= 5)} |`);
  lines.push(`| wall time per pair, N=${last.n} / N=${first.n} (${(perPair(last) * 1000).toFixed(1)} ms / ${(perPair(first) * 1000).toFixed(1)} ms) | ${pairRatio.toFixed(2)}× | ≤ 1.5× | ${mark(pairRatio <= 1.5)} |`);
  lines.push(`| peak memory at N=${last.n} | ${fmtMiB(peak)} MiB | < 500 MiB | ${mark(peak < 500)} |`);
  if (incremental !== undefined) {
    const share = incremental.edit.wallS / incremental.full.wallS;
    lines.push(`| one spec edited at N=${INCREMENTAL_N}: incremental synth / full synth (${fmtWall(incremental.edit)} s / ${fmtS(incremental.full.wallS)} s) | 1/${(1 / share).toFixed(0)} | ≤ 1/20 | ${mark(share <= 1 / 20)} |`);
    lines.push(`| one spec edited at N=${INCREMENTAL_N} / synth of that one system alone (${fmtWall(incremental.edit)} s / ${fmtWall(incremental.single)} s) | ${(incremental.edit.wallS / incremental.single.wallS).toFixed(2)}× | close to 1× | |`);
  }
  lines.push('');
  if (incremental !== undefined) {
    lines.push(`Incremental synth (N=${INCREMENTAL_N}): after the full run above, which wrote the cache in .cache/incremental/, one image tag was changed in ` +
      `${incremental.spec} and \`${SYNTH_SCRIPT} --apps DIR --out TMP\` ran again, ${REPEATS} times with a new tag each time: ${fmtWall(incremental.edit)} s wall (median), ${fmtS(incremental.edit.cpuS)} s CPU — ${incremental.edit.stdout.trim()} ` +
      `A synth of that one system alone into an empty folder (\`--full\`, ${REPEATS} runs in turn with those, median) took ${fmtWall(incremental.single)} s.`);
    lines.push('');
  }
  const n100 = rows.find((r) => r.n === 100);
  if (disk !== undefined && n100 !== undefined) {
    lines.push(`Output location: ${SHM} (tmpfs) for every run in the tables. Writing the N=100 output to disk (bench/.work/) instead took ` +
      `${fmtS(disk.wallS)} s against ${fmtS(n100.ours.wallS)} s on tmpfs (${n100.ours.files} files; the baseline writes one file per chart).`);
    lines.push('');
  }
  lines.push(`Only-changed-files writing (N=100, ${before.size} files): a re-run with nothing changed took ${fmtS(rerun.wallS)} s and left ` +
    `${untouched} of ${before.size} files untouched (same inode) — ${rerun.stdout.trim()}; changing one image tag in ${firstSpec} rewrote ` +
    `${rewritten.length} files, ${outsideSystem.length} of them outside its own folders${outsideSystem.length > 0 ? ` (${outsideSystem.slice(0, 5).join(', ')})` : ''} — ${oneChange.stdout.trim()}.`);
  lines.push('');
  lines.push(`Bench wall time: ${((Date.now() - benchStarted) / 1000).toFixed(0)} s.`);
  const md = `${lines.join('\n')}\n`;
  writeFileSync(join(ROOT, 'bench', 'results.md'), md);
  writeFileSync(join(ROOT, 'bench', 'results.svg'), chart(rows));
  log('');
  log(md);
  log('wrote bench/results.md and bench/results.svg');
}

/** The N at which one edited spec is re-synthesized from the cache the full run left. */
const INCREMENTAL_N = 1000;

interface Incremental {
  readonly spec: string;
  readonly full: Run;
  readonly edit: Measured;
  readonly single: Measured;
}

/**
 * Changes one image tag in one spec of `apps` and runs synth again on the output (and cache)
 * of the full run just measured, REPEATS times (a new tag each time; the median stands), in
 * turn with a synth of that one system alone, for comparison.
 */
function measureIncremental(apps: string, out: string, full: Run): Incremental {
  const spec = readdirSync(apps).sort()[Math.floor(readdirSync(apps).length / 2)];
  const path = join(apps, spec);
  const text = readFileSync(path, 'utf8');
  const IMAGE_LINE = /^(\s*image:\s*\S+:)([A-Za-z0-9._-]+)\s*$/m;
  if (!IMAGE_LINE.test(text)) throw new Error(`${spec} has no image line to edit`);
  const oneApps = join(WORK, 'apps-one');
  rmSync(oneApps, { recursive: true, force: true });
  mkdirSync(oneApps, { recursive: true });
  writeFileSync(join(oneApps, spec), text);
  const oneOut = join(OUT, 'ours-one');
  // Each round edits the tag anew (one run is too noisy to stand alone), in turn with a synth
  // of that one system alone.
  let round = 0;
  const [edit, single] = alternate(
    REPEATS,
    () => {
      round++;
      writeFileSync(path, text.replace(IMAGE_LINE, `$1$2-bench${round}`));
      return measure(SYNTH_CMD, [...SYNTH, '--apps', apps, '--out', out]);
    },
    () => {
      rmSync(oneOut, { recursive: true, force: true });
      return measure(SYNTH_CMD, [...SYNTH, '--apps', oneApps, '--out', oneOut, '--quiet', '--full']);
    },
  );
  if (!edit.ok) fail(`incremental run at N=${INCREMENTAL_N}`, edit);
  if (single === undefined || !single.ok) fail('synth of one system', single ?? edit);
  rmSync(oneOut, { recursive: true, force: true });
  log(`N=${INCREMENTAL_N}: one spec edited, incremental synth ${fmtWall(edit)} s: ${edit.stdout.trim()}`);
  log(`one system alone: ${fmtWall(single)} s`);
  return { spec, full, edit, single };
}

/** Line chart of wall time against N (log scale on x), hand-written SVG. */
function chart(rows: readonly Row[]): string {
  const W = 640;
  const H = 400;
  const m = { left: 64, right: 170, top: 40, bottom: 56 };
  const series = [
    { name: 'ours (npm run synth)', color: '#1f77b4', points: rows.map((r) => [r.n, r.ours.wallS] as const) },
    { name: 'baseline (ts-node, one App)', color: '#d62728', points: rows.filter((r) => r.baseline).map((r) => [r.n, r.baseline!.wallS] as const) },
  ];
  const xs = rows.map((r) => r.n);
  const lx0 = Math.log10(Math.min(...xs));
  const lx1 = Math.log10(Math.max(...xs));
  const yMax = niceCeil(Math.max(...series.flatMap((s) => s.points.map((p) => p[1]))));
  const px = (n: number) => m.left + ((Math.log10(n) - lx0) / (lx1 - lx0 || 1)) * (W - m.left - m.right);
  const py = (s: number) => H - m.bottom - (s / yMax) * (H - m.top - m.bottom);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2 - m.right / 2 + m.left / 2}" y="22" text-anchor="middle" font-size="14">Synthesis wall time vs number of systems (×3 environments)</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${py(v).toFixed(1)}" y2="${py(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.left - 6}" y="${(py(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toFixed(1))}</text>`);
  }
  for (const n of xs) {
    out.push(`<line x1="${px(n).toFixed(1)}" x2="${px(n).toFixed(1)}" y1="${m.top}" y2="${H - m.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${px(n).toFixed(1)}" y="${H - m.bottom + 18}" text-anchor="middle">${n}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="black"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="black"/>`);
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 14}" text-anchor="middle">systems N (log scale)</text>`);
  out.push(`<text transform="translate(18 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">wall time (s)</text>`);
  series.forEach((s, k) => {
    if (s.points.length > 0) {
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([n, t]) => `${px(n).toFixed(1)},${py(t).toFixed(1)}`).join(' ')}"/>`);
      for (const [n, t] of s.points) out.push(`<circle cx="${px(n).toFixed(1)}" cy="${py(t).toFixed(1)}" r="3.5" fill="${s.color}"><title>N=${n}: ${t.toFixed(2)} s</title></circle>`);
    }
    const ly = m.top + 10 + k * 20;
    out.push(`<line x1="${W - m.right + 12}" x2="${W - m.right + 32}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${W - m.right + 38}" y="${ly + 4}">${s.name}</text>`);
  });
  const skipped = rows.filter((r) => r.baseline === undefined).map((r) => r.n);
  if (skipped.length > 0) {
    out.push(`<text x="${W - m.right + 12}" y="${m.top + 58}" font-size="11" fill="#555">baseline skipped at N=${skipped.join(', ')}</text>`);
    out.push(`<text x="${W - m.right + 12}" y="${m.top + 74}" font-size="11" fill="#555">(estimated &gt; ${BASELINE_LIMIT_S} s)</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const f of [1, 2, 2.5, 5, 10]) if (v <= f * p) return f * p;
  return 10 * p;
}

main();
