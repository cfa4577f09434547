/**
 * `npm run seal`: values sealed in the sealed-secrets hybrid scheme for the Secret the system
 * reads, written into the spec with every other byte kept, never printed. The format is checked
 * here by opening a sealed value with the private key the test made; test/cluster/sealing.test.ts
 * has the real controller open them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createDecipheriv, createPrivateKey, createPublicKey, constants, privateDecrypt } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CommandIO, UsageError } from '../src/cli/command';
import { parseSealArgs, runSeal, SealOptions } from '../src/cli/seal-command';
import { readCertificate, sealValue } from '../src/sealing/seal';

const REPO = join(__dirname, '..');
let dir: string;
let keyPem: string;
let certPem: string;

/** Opens a sealed value the way the controller does (pkg/crypto HybridDecrypt). */
function unseal(sealed: string, label: string): string {
  const data = Buffer.from(sealed, 'base64');
  const rsaLength = data.readUInt16BE(0);
  const sessionKey = privateDecrypt(
    { key: createPrivateKey(keyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label) },
    data.subarray(2, 2 + rsaLength),
  );
  const body = data.subarray(2 + rsaLength);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString();
}

function io(): CommandIO & { output: { out: string; err: string } } {
  const output = { out: '', err: '' };
  return { output, out: (s) => (output.out += s), err: (s) => (output.err += s), color: false, progress: { update: () => undefined, done: () => undefined }, env: {} };
}

const options = (over: Partial<SealOptions> = {}): SealOptions => ({
  app: 'magnetiq-simple',
  env: 'dev',
  key: 'SECRET_KEY',
  apps: join(dir, 'apps'),
  platform: join(dir, 'platform.yaml'),
  ...over,
});
const input = (stdin: string, env: NodeJS.ProcessEnv = {}) => ({ stdin: () => Buffer.from(stdin), env, now: new Date('2026-12-01T00:00:00Z') });
const spec = () => readFileSync(join(dir, 'apps', 'magnetiq-simple.yaml'), 'utf8');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seal-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=sealed-secret', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
  certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  mkdirSync(join(dir, 'apps'));
  cpSync(join(REPO, 'apps', 'magnetiq-simple.yaml'), join(dir, 'apps', 'magnetiq-simple.yaml'));
  cpSync(join(REPO, 'apps', 'magnetiq.yaml'), join(dir, 'apps', 'magnetiq.yaml'));
  writeFileSync(join(dir, 'platform.yaml'), readFileSync(join(REPO, 'platform.yaml'), 'utf8').replace('certificate: certs/sealed-secrets-test.pem', 'certificate: cert.pem'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a sealed value opens with the private key only under its namespace/name label', () => {
  const sealed = sealValue(createPublicKey(certPem), 'shop-dev', 'shop-secrets', Buffer.from('s3cret'));
  expect(unseal(sealed, 'shop-dev/shop-secrets')).toBe('s3cret');
  expect(() => unseal(sealed, 'shop-dev/other-secrets')).toThrow(/oaep decoding error|decryption failed/i);
});

test('each sealing uses a fresh session key, so the same value never seals to the same text', () => {
  const key = createPublicKey(certPem);
  expect(sealValue(key, 'a', 'b', Buffer.from('x'))).not.toBe(sealValue(key, 'a', 'b', Buffer.from('x')));
});

test('seals stdin (without its trailing newline) into the environment override and keeps every other line', () => {
  const before = spec();
  const out = io();
  expect(runSeal(options(), out, input('value-from-stdin\n'))).toBe(0);
  const after = spec();
  const sealed = (load(after) as { environments: { dev: { secrets: { encryptedData: Record<string, string> } } } }).environments.dev.secrets.encryptedData.SECRET_KEY;
  expect(unseal(sealed, 'magnetiq-simple-dev/magnetiq-simple-secrets')).toBe('value-from-stdin');
  const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
  expect(changed).toEqual([`        SECRET_KEY: ${sealed}`]);
  expect(out.output.out.replaceAll(`${dir}/`, '')).toMatch(/^apps\/magnetiq-simple\.yaml: environments\.dev\.secrets\.encryptedData\.SECRET_KEY: sealed for Secret magnetiq-simple-dev\/magnetiq-simple-secrets with .*cert\.pem \(CN=sealed-secret, valid until \d{4}-\d\d-\d\d\)\n/);
  expect(out.output.out + out.output.err).not.toContain('value-from-stdin');
});

test('reads the value from an environment variable with --from-env', () => {
  expect(runSeal(options({ key: 'SMTP_PASSWORD', fromEnv: 'PW' }), io(), input('', { PW: 'from-env' }))).toBe(0);
  const sealed = (load(spec()) as { environments: { dev: { secrets: { encryptedData: Record<string, string> } } } }).environments.dev.secrets.encryptedData.SMTP_PASSWORD;
  expect(unseal(sealed, 'magnetiq-simple-dev/magnetiq-simple-secrets')).toBe('from-env');
});

test.each([
  ['a key the system does not list', { key: 'API_TOKEN' }, input('x'), 'error: apps/magnetiq-simple.yaml: "API_TOKEN" is not in secrets.keys; its keys: SECRET_KEY, SMTP_USERNAME, SMTP_PASSWORD (add the key there first)\nNothing was changed.\n'],
  ['an environment the system does not deploy to', { env: 'qa' }, input('x'), 'error: --env qa: magnetiq-simple does not deploy to qa; its environments: dev, production, staging\nNothing was changed.\n'],
  ['a system whose secrets are not sealed', { app: 'magnetiq' }, input('x'), 'error: apps/magnetiq.yaml: secrets.mode is "external" in dev, so nothing reads sealed values; set secrets.mode: sealed to use npm run seal\nNothing was changed.\n'],
  ['an empty value', {}, input('\n'), 'error: the value of SECRET_KEY is empty (stdin); an empty secret is never what a system needs\nNothing was changed.\n'],
  ['an unset variable', { fromEnv: 'NOPE' }, input(''), 'error: --from-env NOPE: the variable is not set\nNothing was changed.\n'],
])('rejects %s, changing nothing', (_what, over, given, message) => {
  const before = spec();
  const out = io();
  expect(runSeal(options(over), out, given)).toBe(1);
  expect(out.output.err.replace(dir + '/', '')).toBe(message);
  expect(spec()).toBe(before);
});

test('puts the spec back when the sealed value makes it one synth refuses (here: larger than a spec may be)', () => {
  const before = spec();
  const out = io();
  expect(runSeal(options(), out, input('x'.repeat(200 * 1024)))).toBe(1);
  expect(out.output.err).toMatch(/magnetiq-simple\.yaml: \(document\): is \d+ bytes; a spec may be at most 262144 bytes/);
  expect(out.output.err).toMatch(/seal \(.*magnetiq-simple\.yaml is left as it was\) failed with 1 error\./);
  expect(spec()).toBe(before);
});

test('refuses an --apps that is not a folder, as a usage error, before reading anything', () => {
  expect(() => runSeal(options({ apps: join(dir, 'platform.yaml') }), io(), input('x'))).toThrow(UsageError);
  expect(() => runSeal(options({ apps: ' ' }), io(), input('x'))).toThrow(/--apps is empty/);
});

test('rejects a certificate that is not PEM, saying how to fetch the right one', () => {
  expect(() => readCertificate('not a certificate', new Date())).toThrow(/^is not a PEM certificate .*; fetch it with kubeseal --fetch-cert$/);
});

test('rejects an expired certificate', () => {
  expect(() => readCertificate(certPem, new Date('2100-01-01T00:00:00Z'))).toThrow(/^expired on .*; fetch the controller's current certificate with kubeseal --fetch-cert$/);
});

test('rejects a command line without exactly one key, as a usage error', () => {
  expect(() => parseSealArgs(['--app', 'a', '--env', 'dev'])).toThrow(new UsageError('give exactly one KEY (got 0); seal one value per run'));
  expect(() => parseSealArgs(['--env', 'dev', 'K'])).toThrow(new UsageError('--app is required and needs a value'));
});

test('npm run seal reads stdin as a child process and exits 0', () => {
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'scripts/seal.ts'), '--app', 'magnetiq-simple', '--env', 'staging', '--apps', join(dir, 'apps'), '--platform', join(dir, 'platform.yaml'), 'SMTP_USERNAME'], {
    cwd: dir,
    input: 'mailer\n',
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  const sealed = (load(spec()) as { environments: { staging: { secrets: { encryptedData: Record<string, string> } } } }).environments.staging.secrets.encryptedData.SMTP_USERNAME;
  expect(unseal(sealed, 'magnetiq-simple-staging/magnetiq-simple-secrets')).toBe('mailer');
}, 60000);
