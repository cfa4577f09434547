/**
 * The pull-request review summary (`npm run diff -- --markdown`): risky changes are named,
 * checks are reported (kube-score's absence too), diffs are compact and the comment stays
 * within GitHub's size limit. The changes are edits of the committed dist/ files, so the
 * snapshot shows real manifests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiffOptions, FileChange, treeChanges } from '../src/cli/diff-command';
import { runDiffMarkdown } from '../src/cli/diff-markdown';
import { MAX_COMMENT_CHARS, REVIEW_MARKER, reviewMarkdown } from '../src/review/markdown';
import { findRisks, isPinned, privilegedSettings, storageBytes } from '../src/review/risks';
import { Progress } from '../src/cli/progress';
import { EXCEPTIONS } from './lint/kube-score';

const DIST = join(__dirname, '..', 'dist');
const ABSENT = { status: 'absent', binary: '.cache/lint-bin/kube-score' } as const;

const read = (path: string) => readFileSync(join(DIST, path), 'utf8');

function replaced(path: string, from: string | RegExp, to: string): string {
  const text = read(path);
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  return next;
}

/** A pull request that does every risky thing at once, and one harmless edit. */
function riskyChanges(): FileChange[] {
  const files = [
    'production/magnetiq/deployment-magnetiq-backend.yaml',
    'staging/magnetiq/deployment-magnetiq-frontend.yaml',
    'production/magnetiq/persistentvolumeclaim-magnetiq-data.yaml',
    'staging/magnetiq/persistentvolumeclaim-magnetiq-backup-db.yaml',
    'dev/bootstrap/namespace-magnetiq-dev.yaml',
    'production/magnetiq/configmap-magnetiq-config.yaml',
  ];
  const current = new Map(files.map((f) => [f, read(f)]));
  const next = new Map(current);
  next.set(
    files[0],
    replaced(files[0], /magnetiq-backend:v[0-9.]+/, 'magnetiq-backend').replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'),
  );
  next.set(files[1], replaced(files[1], /replicas: 2/, 'replicas: 0'));
  next.set(files[2], replaced(files[2], /storage: 10Gi/, 'storage: 5Gi'));
  next.delete(files[3]);
  next.delete(files[4]);
  next.set(files[5], replaced(files[5], /ENVIRONMENT: production/, 'ENVIRONMENT: production-eu'));
  return treeChanges(current, next);
}

describe('findRisks', () => {
  it('names a shrunk claim, a deleted claim, a removed Namespace, a scale to 0, a new privileged setting and an unpinned image', () => {
    expect(findRisks(riskyChanges()).map((r) => [r.kind, r.path, r.object])).toEqual([
      ['namespace-removed', 'dev/bootstrap/namespace-magnetiq-dev.yaml', 'Namespace magnetiq-dev'],
      ['privileged', 'production/magnetiq/deployment-magnetiq-backend.yaml', 'Deployment magnetiq-backend'],
      ['unpinned-image', 'production/magnetiq/deployment-magnetiq-backend.yaml', 'Deployment magnetiq-backend'],
      ['volume-shrunk', 'production/magnetiq/persistentvolumeclaim-magnetiq-data.yaml', 'PersistentVolumeClaim magnetiq-data'],
      ['scaled-to-zero', 'staging/magnetiq/deployment-magnetiq-frontend.yaml', 'Deployment magnetiq-frontend'],
      ['volume-deleted', 'staging/magnetiq/persistentvolumeclaim-magnetiq-backup-db.yaml', 'PersistentVolumeClaim magnetiq-backup-db'],
    ]);
  });

  it('finds nothing risky in a config change or a pinned image update', () => {
    const path = 'production/magnetiq/deployment-magnetiq-backend.yaml';
    const before = read(path);
    const after = before.replace(/magnetiq-backend:v[0-9.]+/, 'magnetiq-backend:v9.9.9');
    expect(after).not.toBe(before);
    expect(findRisks([{ path, status: 'changed', before, after }])).toEqual([]);
  });

  it('does not warn again about a privileged setting that was already there', () => {
    const path = 'production/magnetiq/deployment-magnetiq-backend.yaml';
    const before = read(path).replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true');
    const after = before.replace(/replicas: 1/, 'replicas: 2');
    expect(after).not.toBe(before);
    expect(findRisks([{ path, status: 'changed', before, after }])).toEqual([]);
  });

  it('reads sizes in every unit Kubernetes accepts', () => {
    expect([storageBytes('10Gi'), storageBytes('500M'), storageBytes('1.5Ti'), storageBytes('10 GB')]).toEqual([10 * 2 ** 30, 500e6, 1.5 * 2 ** 40, undefined]);
  });

  it('tells pinned images from moving ones', () => {
    expect(['app:v1', 'registry:5000/app:1.2', `app@sha256:${'a'.repeat(64)}`, 'app', 'app:latest', 'registry:5000/app'].map(isPinned)).toEqual([true, true, true, false, false, false]);
  });

  it('lists the privileged settings of a pod template by where they are', () => {
    const pod = {
      kind: 'CronJob',
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                hostNetwork: true,
                volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }],
                containers: [{ name: 'x', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN'] } }, ports: [{ hostPort: 80 }] }],
              },
            },
          },
        },
      },
    };
    expect([...privilegedSettings(pod)]).toEqual([
      'pod: hostNetwork: true',
      'pod: volume sock is a hostPath (/var/run/docker.sock)',
      'container x: privileged: true',
      'container x: capability NET_ADMIN added',
      'container x: hostPort 80',
    ]);
  });
});

describe('reviewMarkdown', () => {
  it('renders risky changes, checks and compact diffs per environment and system', () => {
    const changes = riskyChanges();
    const md = reviewMarkdown({ base: 'dist/ of main', changes, risks: findRisks(changes), policy: { ok: true }, kubeScore: ABSENT });
    expect(md.split('\n')[0]).toBe(REVIEW_MARKER);
    expect(md).toContain('**6 files change** in 3 folders of 3 environments, compared with dist/ of main.');
    expect(md).toContain('| kube-score (changed folders) | :grey_question: not run: `.cache/lint-bin/kube-score` is not built (`bash test/lint/build.sh` builds it) |');
    expect(md).toMatchSnapshot();
  });

  it('reports kube-score findings and synth errors as failed checks', () => {
    const md = reviewMarkdown({
      base: 'dist/ of main',
      changes: [],
      risks: [],
      policy: { ok: false, errors: ['apps/shop.yaml: components.api.replicas: is 2 but a SQLite backend is a single writer'] },
      kubeScore: { status: 'ran', objects: 3, files: 3, exceptions: 5, findings: [{ object: 'Deployment/shop-dev/shop-api', check: 'container-resources', grade: 1, comments: ['CPU limit is not set'] }] },
    });
    expect(md).toMatchSnapshot();
  });

  it('says so when nothing changes', () => {
    const md = reviewMarkdown({ base: 'dist/ of main', changes: [], risks: [], policy: { ok: true }, kubeScore: { status: 'ran', objects: 0, files: 0, findings: [], exceptions: 5 } });
    expect(md).toContain('**No changes**: dist/ is what dist/ of main already holds.');
    expect(md).not.toContain('### Changes');
  });

  it('keeps a huge change within GitHub comment size, counting the diffs it leaves out', () => {
    const path = 'production/magnetiq/deployment-magnetiq-backend.yaml';
    const before = read(path);
    const changes: FileChange[] = Array.from({ length: 600 }, (_, i) => ({
      path: `production/system-${String(i).padStart(3, '0')}/deployment-x.yaml`,
      status: 'changed' as const,
      before,
      after: before.replace(/magnetiq-backend:v[0-9.]+/, `magnetiq-backend:v${i}.0.0`),
    }));
    const md = reviewMarkdown({ base: 'dist/ of main', changes, risks: [], policy: { ok: true }, kubeScore: ABSENT });
    expect(md.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    const shown = md.split('<details>').length - 1;
    expect(shown).toBeGreaterThan(10);
    expect(md).toContain(`_${600 - shown} diffs left out to keep this comment within GitHub's size limit; \`npm run diff\` shows every one._`);
    expect(md).toContain('| … | 500 more folders | | | |');
  });

  it('cuts a long diff of one file, pointing to the command that shows it whole', () => {
    const after = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const md = reviewMarkdown({ base: 'dist/ of main', changes: [{ path: 'dev/shop/configmap-shop.yaml', status: 'added', before: '', after }], risks: [], policy: { ok: true }, kubeScore: ABSENT });
    expect(md).toContain('_61 more lines of diff: `npm run diff -- --env dev --app shop` shows them._');
  });
});

describe('npm run diff -- --markdown', () => {
  const silent: Progress = { update: () => undefined, done: () => undefined };
  const opts: DiffOptions = { stat: false, markdown: true, baseLabel: 'dist/ of main', apps: join(__dirname, '..', 'apps'), out: DIST, platform: 'platform.yaml' };

  it('exits 0 with a "no changes" summary when the committed dist/ is what the specs produce', () => {
    let out = '';
    const code = runDiffMarkdown(opts, { out: (s) => (out += s), err: (s) => (out += s), color: false, progress: silent, env: {} }, '/nonexistent/kube-score');
    expect(out).toContain('**No changes**: dist/ is what dist/ of main already holds.');
    expect(out).toContain(`| kube-score (changed folders) | :white_check_mark: 0 objects in 0 files, no finding beyond the ${EXCEPTIONS.length} documented exceptions |`);
    expect(code).toBe(0);
  });
});
