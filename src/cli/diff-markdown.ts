/**
 * `npm run diff -- --markdown`: the review summary of what synth would change in the compared
 * dist/ (src/review/markdown.ts) on stdout. An invalid spec is part of the review (the policy
 * row fails and lists the errors) rather than a bare error. Exit codes as for the terminal
 * diff: 0 nothing would change; 1 changes found or an invalid spec; 2 usage error.
 */
import { resolve } from 'node:path';
import { SpecErrors } from '../spec/errors';
import { loadSpecs } from '../spec/load';
import { buildTree, Tree } from '../synth/build';
import { pairBuilderFor } from '../synth/parallel';
import { readTree } from '../synth/write';
import { scoreFolders } from '../review/kube-score';
import { reviewMarkdown } from '../review/markdown';
import { findRisks } from '../review/risks';
import { buildSettingsFromEnv, CommandIO } from './command';
import { checkScope, DiffOptions, Scope, treeChanges } from './diff-command';

export function runDiffMarkdown(opts: DiffOptions, io: CommandIO, kubeScoreBinary: string): number {
  const scope: Scope = { env: opts.env, app: opts.app };
  const base = opts.baseLabel ?? `\`${opts.out}/\``;
  io.progress.update(`comparing with ${opts.out}/`);
  const current = readTree(resolve(opts.out));
  let next: Tree;
  try {
    io.progress.update(`synthesizing ${opts.apps}/`);
    const specs = loadSpecs(resolve(opts.apps), resolve(opts.platform));
    next = buildTree(specs, opts.platform, pairBuilderFor(specs, buildSettingsFromEnv(io.env))).tree;
  } catch (e) {
    if (!(e instanceof SpecErrors)) throw e;
    io.progress.done();
    io.out(reviewMarkdown({ base, changes: [], risks: [], policy: { ok: false, errors: e.message.split('\n') }, kubeScore: { status: 'ran', objects: 0, files: 0, findings: [], exceptions: 0 } }));
    return 1;
  }
  const problem = checkScope(scope, [current, next]);
  if (problem !== undefined) {
    io.progress.done();
    io.err(`error: ${problem}\n`);
    return 1;
  }
  const changes = treeChanges(current, next, scope);
  const changedFolders = [...new Set(changes.filter((c) => c.status !== 'removed').map((c) => c.path.split('/').slice(0, 2).join('/')))];
  io.progress.update(`running kube-score on ${changedFolders.length} folder${changedFolders.length === 1 ? '' : 's'}`);
  const kubeScore = scoreFolders(kubeScoreBinary, next, changedFolders);
  io.progress.done();
  io.out(reviewMarkdown({ base, changes, risks: findRisks(changes), policy: { ok: true }, kubeScore }));
  return changes.length === 0 ? 0 : 1;
}
