/**
 * `npm run diff [-- --env ENV] [--app SYSTEM] [--stat]`: what `npm run synth` would change in
 * the committed dist/, per resource, without writing anything. Exit codes: 0 nothing would
 * change; 1 changes found (so CI can fail on them) or an invalid spec; 2 usage error.
 */
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { SpecErrors } from '../spec/errors';
import { loadSpecs } from '../spec/load';
import type { Tree } from '../synth/build';
import { buildTree } from '../synth/build';
import { pairBuilderFor } from '../synth/parallel';
import { readTree } from '../synth/write';
import { buildSettingsFromEnv, CommandIO, parseCommandArgs, reportSpecErrors, UsageError } from './command';
import { runDiffMarkdown } from './diff-markdown';
import { diffLines, hunkHeader, hunks, splitLines } from './line-diff';

export const DIFF_USAGE = `Usage: npm run diff -- [--env ENV] [--app SYSTEM] [--stat | --markdown [--base-label TEXT]] [--apps DIR] [--out DIR] [--platform FILE]

Synthesizes apps/ in memory and shows how the result differs from the committed dist/:
a unified diff per resource, then added/changed/removed counts per system and environment.

  --env ENV        only dist/ENV/
  --app SYSTEM     only dist/*/SYSTEM/ (a system, or platform, apps, bootstrap)
  --stat           only the list of files and the summary, no line diffs
  --markdown       a review summary in Markdown for a pull request: warnings for risky
                   changes, the policy and kube-score results, compact diffs per system
  --base-label T   how --markdown names what it compares with (default: the --out folder)
  --apps DIR       read system specs from DIR (default: apps)
  --out DIR        compare with DIR (default: dist)
  --platform FILE  platform settings (default: platform.yaml)

Exit codes: 0 nothing would change; 1 changes found, or an invalid spec; 2 usage error.
`;

export interface DiffOptions {
  readonly env?: string;
  readonly app?: string;
  readonly stat: boolean;
  /** Write the review summary (src/review/markdown.ts) instead of the terminal diff. @default false */
  readonly markdown?: boolean;
  /** What --markdown calls the folder it compares with. @default - the --out folder */
  readonly baseLabel?: string;
  readonly apps: string;
  readonly out: string;
  readonly platform: string;
}

/** The flags diff and set-image share. */
export const SOURCE_FLAGS = {
  apps: { type: 'string', default: 'apps' },
  out: { type: 'string', default: 'dist' },
  platform: { type: 'string', default: 'platform.yaml' },
} as const;

/** A flag given as `--flag=` is as unusable as a missing value. */
export function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value === '') throw new UsageError(`--${flag} needs a value`);
  return value;
}

export function parseDiffArgs(argv: readonly string[]): DiffOptions {
  const { values } = parseCommandArgs(argv, { env: { type: 'string' }, app: { type: 'string' }, stat: { type: 'boolean', default: false }, markdown: { type: 'boolean', default: false }, 'base-label': { type: 'string' }, ...SOURCE_FLAGS }, false);
  if (values.stat && values.markdown) throw new UsageError('--stat and --markdown cannot be combined');
  return {
    env: nonEmpty('env', values.env),
    app: nonEmpty('app', values.app),
    stat: values.stat,
    markdown: values.markdown,
    baseLabel: nonEmpty('base-label', values['base-label']),
    apps: nonEmpty('apps', values.apps)!,
    out: nonEmpty('out', values.out)!,
    platform: nonEmpty('platform', values.platform)!,
  };
}

/** One file of dist/ that synth would add, change or remove. */
export interface FileChange {
  readonly path: string;
  readonly status: 'added' | 'changed' | 'removed';
  readonly before: string;
  readonly after: string;
}

export interface Scope {
  readonly env?: string;
  readonly app?: string;
}

/** dist/<env>/<folder>/...: the environment and the system (or platform, apps, bootstrap) folder. */
function folderOf(path: string): { env: string; folder: string } {
  const [env, folder] = path.split('/');
  return { env, folder: folder ?? '' };
}

export function inScope(path: string, scope: Scope): boolean {
  const { env, folder } = folderOf(path);
  return (scope.env === undefined || env === scope.env) && (scope.app === undefined || folder === scope.app);
}

/** Files that differ between two trees, within a scope, sorted by path. */
export function treeChanges(current: Tree, next: Tree, scope: Scope = {}): FileChange[] {
  const paths = [...new Set([...current.keys(), ...next.keys()])].filter((p) => inScope(p, scope)).sort();
  const changes: FileChange[] = [];
  for (const path of paths) {
    const before = current.get(path);
    const after = next.get(path);
    if (before === after) continue;
    changes.push({ path, status: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed', before: before ?? '', after: after ?? '' });
  }
  return changes;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', bold: '\x1b[1m', reset: '\x1b[0m' };

function painter(color: boolean) {
  return (style: keyof typeof ANSI, text: string) => (color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
}

/** `Deployment magnetiq-backend` for a manifest, `page` for README.md, else the file name. */
export function resourceName(path: string, text: string): string {
  if (!path.endsWith('.yaml')) return path.endsWith('README.md') ? 'page README.md' : path.split('/').pop()!;
  try {
    const m = load(text) as { kind?: string; metadata?: { name?: string } } | undefined;
    if (m?.kind !== undefined && m.metadata?.name !== undefined) return `${m.kind} ${m.metadata.name}`;
  } catch {
    // A hand-edited file that no longer parses is still shown, by its file name.
  }
  return path.split('/').pop()!;
}

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

/** A unified diff per file, each headed by the resource it holds. */
export function renderChanges(changes: readonly FileChange[], outDir: string, color: boolean, stat = false): string {
  const paint = painter(color);
  const out: string[] = [];
  for (const c of changes) {
    const { env, folder } = folderOf(c.path);
    const what = resourceName(c.path, c.status === 'removed' ? c.before : c.after);
    const style = c.status === 'added' ? 'green' : c.status === 'removed' ? 'red' : 'cyan';
    out.push(`${paint(style, `${SIGN[c.status]} ${c.status.padEnd(7)}`)} ${paint('bold', `${env}/${folder}: ${what}`)}`);
    if (stat) continue;
    out.push(paint('bold', c.status === 'added' ? '--- /dev/null' : `--- a/${outDir}/${c.path}`));
    out.push(paint('bold', c.status === 'removed' ? '+++ /dev/null' : `+++ b/${outDir}/${c.path}`));
    for (const h of hunks(diffLines(splitLines(c.before), splitLines(c.after)))) {
      out.push(paint('cyan', hunkHeader(h)));
      for (const e of h.edits) {
        const line = `${e.op}${e.line}`;
        out.push(e.op === '+' ? paint('green', line) : e.op === '-' ? paint('red', line) : line);
      }
    }
    out.push('');
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Added/changed/removed counts per environment and system, as an aligned text table. */
export function summaryTable(changes: readonly FileChange[]): string {
  const rows = new Map<string, { env: string; folder: string; added: number; changed: number; removed: number }>();
  for (const c of changes) {
    const { env, folder } = folderOf(c.path);
    const key = `${env}/${folder}`;
    const row = rows.get(key) ?? { env, folder, added: 0, changed: 0, removed: 0 };
    row[c.status]++;
    rows.set(key, row);
  }
  const total = { env: 'total', folder: '', added: 0, changed: 0, removed: 0 };
  for (const r of rows.values()) {
    total.added += r.added;
    total.changed += r.changed;
    total.removed += r.removed;
  }
  const table = [
    ['environment', 'system', 'added', 'changed', 'removed'],
    ...[...rows.values()]
      .sort((a, b) => (a.env === b.env ? (a.folder < b.folder ? -1 : 1) : a.env < b.env ? -1 : 1))
      .map((r) => [r.env, r.folder, String(r.added), String(r.changed), String(r.removed)]),
    ['total', '', String(total.added), String(total.changed), String(total.removed)],
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const format = (row: string[]) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [format(table[0]), rule, ...table.slice(1, -1).map(format), rule, format(table[table.length - 1])].join('\n') + '\n';
}

/** Environments and folders a scope may name: those synth produces and those dist/ holds. */
export function checkScope(scope: Scope, trees: readonly Tree[]): string | undefined {
  const paths = trees.flatMap((t) => [...t.keys()]);
  const envs = [...new Set(paths.map((p) => folderOf(p).env))].sort();
  if (scope.env !== undefined && !envs.includes(scope.env)) return `--env ${scope.env} is not an environment; known: ${envs.join(', ')}`;
  const folders = [...new Set(paths.filter((p) => scope.env === undefined || folderOf(p).env === scope.env).map((p) => folderOf(p).folder))].sort();
  if (scope.app !== undefined && !folders.includes(scope.app)) {
    return `--app ${scope.app} is not a system${scope.env === undefined ? '' : ` in ${scope.env}`}; known: ${folders.join(', ')}`;
  }
  return undefined;
}

export function runDiff(opts: DiffOptions, io: CommandIO): number {
  if (opts.markdown === true) return runDiffMarkdown(opts, io, resolve('.cache', 'lint-bin', 'kube-score'));
  const scope: Scope = { env: opts.env, app: opts.app };
  let next: Tree;
  try {
    io.progress.update(`loading specs from ${opts.apps}/`);
    const specs = loadSpecs(resolve(opts.apps), resolve(opts.platform));
    const pairs = specs.systems.reduce((n, s) => n + s.environments.size, 0);
    io.progress.update(`synthesizing ${specs.systems.length} system${specs.systems.length === 1 ? '' : 's'} (${pairs} system-environments)`);
    next = buildTree(specs, opts.platform, pairBuilderFor(specs, buildSettingsFromEnv(io.env))).tree;
  } catch (e) {
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, 'diff');
    throw e;
  }
  io.progress.update(`comparing with ${opts.out}/`);
  const current = readTree(resolve(opts.out));
  const problem = checkScope(scope, [current, next]);
  if (problem !== undefined) {
    io.progress.done();
    io.err(`error: ${problem}\n`);
    return 1;
  }
  const changes = treeChanges(current, next, scope);
  io.progress.done();
  const where = `${opts.out}/${opts.env ?? '*'}/${opts.app ?? '*'}/`.replace(/(\*\/)+$/, '');
  if (changes.length === 0) {
    io.out(`No changes: ${where} matches what synth produces from ${opts.apps}/.\n`);
    return 0;
  }
  io.out(renderChanges(changes, opts.out, io.color, opts.stat));
  io.out(summaryTable(changes));
  io.out(`${changes.length} file${changes.length === 1 ? '' : 's'} in ${where} would change; run npm run synth and commit the result.\n`);
  return 1;
}
