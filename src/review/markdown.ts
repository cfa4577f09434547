/**
 * The review summary `npm run diff -- --markdown` writes and the pull-request workflow posts
 * as one comment: risky changes first, then the checks (synth's policy gates, kube-score),
 * then the changes per environment and system with compact diffs. Deterministic (no times,
 * no paths of temporary folders), so it is snapshot-tested and the comment only changes when
 * the review does.
 */
import type { FileChange } from '../cli/diff-command';
import { resourceName } from '../cli/diff-command';
import { diffLines, hunkHeader, hunks, splitLines } from '../cli/line-diff';
import type { KubeScoreResult } from './kube-score';
import type { Risk } from './risks';

/** First line of the comment; the workflow finds its own comment by it and edits it in place. */
export const REVIEW_MARKER = '<!-- gitops-synth-review -->';

/**
 * GitHub refuses comments above 65,536 characters: past this many, the remaining diffs of a
 * folder are only counted (the summary, warnings and checks above them are always whole).
 */
export const MAX_COMMENT_CHARS = 60_000;
/** Rows of the per-folder table; more folders are counted in one last row. */
const MAX_TABLE_ROWS = 100;
/** Lines of diff shown per file; the rest is counted, and `npm run diff` shows it whole. */
export const MAX_LINES_PER_FILE = 40;
/** Unchanged lines around each change. */
const CONTEXT = 2;

export type PolicyResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly string[] };

export interface ReviewInput {
  /** What the changes are compared with, e.g. `dist/ of main`. */
  readonly base: string;
  readonly changes: readonly FileChange[];
  readonly risks: readonly Risk[];
  /** Whether synth's gates (spec rules, upstream schemas, policy) passed. */
  readonly policy: PolicyResult;
  readonly kubeScore: KubeScoreResult;
}

const SIGN = { added: '+', changed: '~', removed: '-' } as const;

function folderOf(path: string): string {
  return path.split('/').slice(0, 2).join('/');
}

/** A fenced block that no backtick run inside the text can close early. */
function fence(text: string, info = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${info}\n${text}\n${ticks}`;
}

/** The diff of one file, at most MAX_LINES_PER_FILE lines, with a note on what was cut. */
function compactDiff(c: FileChange): string {
  const lines: string[] = [];
  for (const h of hunks(diffLines(splitLines(c.before), splitLines(c.after)), CONTEXT)) {
    lines.push(hunkHeader(h), ...h.edits.map((e) => `${e.op}${e.line}`));
  }
  if (lines.length <= MAX_LINES_PER_FILE) return fence(lines.join('\n'), 'diff');
  const cut = lines.length - MAX_LINES_PER_FILE;
  return `${fence(lines.slice(0, MAX_LINES_PER_FILE).join('\n'), 'diff')}\n\n_${cut} more line${cut === 1 ? '' : 's'} of diff: \`npm run diff -- --env ${c.path.split('/')[0]} --app ${c.path.split('/')[1]}\` shows them._`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function policyRow(p: PolicyResult): string {
  if (p.ok) return '| policy (synth: spec rules, upstream schemas) | :white_check_mark: passed |';
  return `| policy (synth: spec rules, upstream schemas) | :x: ${plural(p.errors.length, 'error')}, listed below |`;
}

function kubeScoreRow(k: KubeScoreResult): string {
  const name = 'kube-score (changed folders)';
  switch (k.status) {
    case 'absent':
      return `| ${name} | :grey_question: not run: \`${k.binary}\` is not built (\`bash test/lint/build.sh\` builds it) |`;
    case 'failed':
      return `| ${name} | :x: could not run: ${escapeCell(k.message)} |`;
    case 'ran':
      return k.findings.length === 0
        ? `| ${name} | :white_check_mark: ${plural(k.objects, 'object')} in ${plural(k.files, 'file')}, no finding beyond the ${k.exceptions} documented exceptions |`
        : `| ${name} | :x: ${plural(k.findings.length, 'unexpected finding')} in ${plural(k.objects, 'object')}, listed below |`;
  }
}

/** The review summary as GitHub-flavoured Markdown, starting with REVIEW_MARKER. */
export function reviewMarkdown(input: ReviewInput): string {
  const out: string[] = [REVIEW_MARKER, '## gitops-synth review', ''];
  const folders = [...new Set(input.changes.map((c) => folderOf(c.path)))].sort();
  const envs = new Set(folders.map((f) => f.split('/')[0]));
  if (!input.policy.ok) {
    out.push(`**synth fails**, so dist/ cannot be compared with ${input.base}: fix the errors below first.`, '');
  } else if (input.changes.length === 0) {
    out.push(`**No changes**: dist/ is what ${input.base} already holds.`, '');
  } else {
    out.push(`**${plural(input.changes.length, 'file')} change** in ${plural(folders.length, 'folder')} of ${plural(envs.size, 'environment')}, compared with ${input.base}.`, '');
  }

  out.push('### Warnings', '');
  if (input.risks.length === 0) {
    out.push('None: no volume claim deleted or shrunk, no Namespace removed, no workload scaled to 0, no new privileged setting, no image moving to an unpinned tag.', '');
  } else {
    for (const r of input.risks) out.push(`- :warning: **${folderOf(r.path)}** ${r.object}: ${r.message}`);
    out.push('');
  }

  out.push('### Checks', '', '| check | result |', '| --- | --- |', policyRow(input.policy), kubeScoreRow(input.kubeScore), '');
  if (!input.policy.ok) out.push(fence(input.policy.errors.join('\n')), '');
  if (input.kubeScore.status === 'ran' && input.kubeScore.findings.length > 0) {
    for (const f of input.kubeScore.findings) out.push(`- \`${f.object}\` ${f.check}: ${f.comments.join('; ')}`);
    out.push('');
  }

  if (input.changes.length > 0) {
    out.push('### Changes', '', '| environment | system | added | changed | removed |', '| --- | --- | ---: | ---: | ---: |');
    for (const folder of folders.slice(0, MAX_TABLE_ROWS)) {
      const [env, system] = folder.split('/');
      const n = (s: FileChange['status']) => input.changes.filter((c) => folderOf(c.path) === folder && c.status === s).length;
      out.push(`| ${env} | ${system} | ${n('added')} | ${n('changed')} | ${n('removed')} |`);
    }
    if (folders.length > MAX_TABLE_ROWS) out.push(`| … | ${plural(folders.length - MAX_TABLE_ROWS, 'more folder')} | | | |`);
    out.push('');
    // What is left of the size limit, less room for the closing note.
    let budget = MAX_COMMENT_CHARS - out.join('\n').length - 300;
    let hidden = 0;
    for (const folder of folders) {
      const inFolder = input.changes.filter((x) => folderOf(x.path) === folder);
      const heading = `#### ${folder.replace('/', ' / ')}\n`;
      const note = (left: number) => `_${plural(left, 'more file')} changed here; \`npm run diff -- --env ${folder.split('/')[0]} --app ${folder.split('/')[1]}\` shows them._\n`;
      if (heading.length + note(inFolder.length).length > budget) {
        hidden += inFolder.length;
        continue;
      }
      out.push(heading);
      budget -= heading.length + 1;
      let left = 0;
      for (const c of inFolder) {
        const what = resourceName(c.path, c.status === 'removed' ? c.before : c.after);
        const block = [`<details><summary>${SIGN[c.status]} ${c.status} ${what} (<code>${c.path}</code>)</summary>`, '', compactDiff(c), '', '</details>', ''].join('\n');
        // A folder's note must still fit after its last diff.
        if (block.length + note(inFolder.length).length > budget) {
          left++;
          continue;
        }
        budget -= block.length + 1;
        out.push(block);
      }
      if (left > 0) {
        out.push(note(left));
        budget -= note(left).length + 1;
      }
      hidden += left;
    }
    if (hidden > 0) out.push(`_${plural(hidden, 'diff')} left out to keep this comment within GitHub's size limit; \`npm run diff\` shows every one._`, '');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
