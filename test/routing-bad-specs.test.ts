/**
 * The routing corpus: each folder of test/bad-specs-routing/ holds apps/ (one or two specs) and,
 * where the case is about the platform's routing or certificates, its own platform.yaml (else
 * the repository's). Synth must exit 1, name the file, the field path and the problem, and
 * write nothing. Gateway API refusals name the field, the routing implementation and what to do.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createProgress } from '../src/cli/progress';
import { runSynth } from '../src/cli/synth-command';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from '../src/synth/output-folder';
import { snapshotDir } from './support/snapshot-dir';

const REPO = resolve(__dirname, '..');
const CORPUS = join(__dirname, 'bad-specs-routing');

interface Case {
  readonly name: string;
  /** The file the message names: the case's spec (default), a second spec, or its platform.yaml. */
  readonly file?: 'platform.yaml' | 'apps/shop.yaml';
  readonly path: string;
  readonly problem: string;
}

const CASES: readonly Case[] = [
  { name: 'duplicate-host', path: 'ingress.hosts[1]', problem: '"shop.example.com" is already listed at ingress.host; list each host once' },
  { name: 'duplicate-redirect-source', path: 'ingress.redirects[1].from', problem: '"www.shop.example.com" is already listed at ingress.redirects[0].from; list each host once' },
  { name: 'redirect-loop', path: 'ingress.redirects[0].to', problem: 'makes a redirect loop www.shop.example.com -> old.shop.example.com -> www.shop.example.com; redirect straight to a host this system serves: shop.example.com, admin.shop.example.com' },
  { name: 'redirect-to-itself', path: 'ingress.redirects[0].to', problem: 'redirects "www.shop.example.com" to itself, a redirect loop' },
  { name: 'redirect-to-unserved-host', path: 'ingress.redirects[0].to', problem: 'is "shop.example.org", a host this system does not serve; redirect to ingress.host or ingress.hosts: shop.example.com, admin.shop.example.com' },
  {
    name: 'redirect-not-www-under-ingress-nginx',
    path: 'ingress.redirects[0]',
    problem: 'redirects "old-shop.example.com" to "shop.example.com", but routing ingress-nginx (platform.yaml) keeps the path only for www.<host> -> <host>',
  },
  {
    name: 'gateway-max-body-size',
    path: 'ingress.maxBodySize',
    problem: 'is "10m" but routing gateway-api (platform.yaml) has no standard request body limit (HTTPRoute v1 has no such field, filter or policy); remove it and limit bodies in the app',
  },
  { name: 'gateway-route-rate-limit', path: 'ingress.routes[0].rateLimit', problem: 'is set but routing gateway-api (platform.yaml) has no standard rate limit (HTTPRoute v1 has no rate-limit filter or policy); remove it' },
  { name: 'gateway-rate-limit-in-override', path: 'environments.production.ingress.rateLimit', problem: 'is set but routing gateway-api (platform.yaml) has no standard rate limit' },
  { name: 'host-served-by-two-systems', path: 'ingress.hosts[0]', problem: 'serves admin.shop.example.com in dev, which' },
  { name: 'platform-gateway-missing', file: 'platform.yaml', path: 'gateway', problem: "is required: staging, production route with gateway-api; add gateway.className" },
  { name: 'platform-dns01-without-token', file: 'platform.yaml', path: 'certificates.dns01.apiTokenSecretRef', problem: "is required for provider cloudflare: name the Secret (in cert-manager's namespace) and key" },
  { name: 'platform-dns01-half-keys', file: 'platform.yaml', path: 'certificates.dns01', problem: 'sets only one of accessKeyIDSecretRef and secretAccessKeySecretRef; set both, or neither' },
];

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

test('the corpus has a table entry for every case folder and a folder for every entry', () => {
  expect(readdirSync(CORPUS).sort()).toEqual(CASES.map((c) => c.name).sort());
});

describe('rejects a routing mistake with exit 1, the file, the field path and the problem, writing nothing', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dir = join(CORPUS, c.name);
    const platform = existsSync(join(dir, 'platform.yaml')) ? join(dir, 'platform.yaml') : join(REPO, 'platform.yaml');
    const parent = mkdtempSync(join(tmpdir(), 'routing-bad-spec-'));
    const out = join(parent, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'sentinel.yaml'), 'kept: true\n');
    // A folder synth wrote before (its marker), so only the spec's refusal keeps it from writing.
    writeFileSync(join(out, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
    try {
      const before = snapshotDir(out);
      let stdout = '';
      let stderr = '';
      const code = runSynth({ check: false, apps: join(dir, 'apps'), out, platform, quiet: false, build: {} }, (s) => (stdout += s), (s) => (stderr += s), createProgress(process.stderr, { CI: 'true' }));
      expect(code).toBe(1);
      const file = shown(join(dir, c.file ?? 'apps/shop.yaml'));
      const lines = stderr.split('\n').filter((l) => l.startsWith(`${file}: ${c.path}: `));
      expect(lines.length > 0 ? lines : stderr).toEqual(expect.arrayContaining([expect.stringContaining(c.problem)]));
      expect(stderr).toMatch(/nothing was written/);
      expect(stdout).not.toMatch(/synthesized/);
      expect(snapshotDir(out)).toEqual(before);
      expect(readdirSync(parent)).toEqual(['out']);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
