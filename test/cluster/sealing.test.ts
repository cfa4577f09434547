/**
 * `npm run seal` against the real sealed-secrets controller (built from its Go module) on a
 * real API server: a key pair made by this test is the controller's key, values sealed by the
 * command into a copy of magnetiq-simple's spec are synthesized into dist/ and applied, and the
 * controller must unseal them into the Secret the workloads read, byte for byte.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { sealValue } from '../../src/sealing/seal';
import { Api, K8sObject } from './api';
import { ControlPlane, startControlPlane } from './control-plane';
import { crdObjects } from './crds';
import { Controller, startController } from './sealed-secrets-controller';
import { createPublicKey } from 'node:crypto';

const ROOT = join(__dirname, '..', '..');
const CONTROLLER_NAMESPACE = 'kube-system';

let cp: ControlPlane;
let api: Api;
let controller: Controller;
let work: string;
let certFile: string;

async function waitFor<T>(what: string, get: () => Promise<T | undefined>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; controller log:\n${readFileSync(controller.logFile, 'utf8').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function secretData(namespace: string, name: string): Promise<Record<string, string> | undefined> {
  const r = await api.get({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } });
  if (r.status !== 200) return undefined;
  return Object.fromEntries(Object.entries(r.body.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'seal-test-'));
  cp = await startControlPlane({ log: () => undefined });
  api = new Api(cp);
  // The controller's key pair, made here; the private key lives only in this temp folder and the test API server.
  const keyFile = join(work, 'tls.key');
  certFile = join(work, 'controller-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=sealed-secret/O=sealed-secret', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const key: K8sObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'sealed-secrets-key-test', namespace: CONTROLLER_NAMESPACE, labels: { 'sealedsecrets.bitnami.com/sealed-secrets-key': 'active' } },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': readFileSync(certFile).toString('base64'), 'tls.key': readFileSync(keyFile).toString('base64') },
  };
  expect((await api.apply(key)).status).toBeLessThan(300);
  const crd = crdObjects().find((o) => o.metadata.name === 'sealedsecrets.bitnami.com')!;
  expect((await api.apply(crd)).status).toBeLessThan(300);
  await api.waitEstablished('sealedsecrets.bitnami.com');
  controller = await startController(cp, CONTROLLER_NAMESPACE, work);
}, 180000);

afterAll(async () => {
  await controller?.stop();
  await cp?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

test('npm run seal writes values the real controller unseals into the Secret magnetiq-simple reads', async () => {
  // A copy of the repository's spec and platform.yaml, with the test certificate as dev's.
  const apps = join(work, 'apps');
  mkdirSync(apps);
  copyFileSync(join(ROOT, 'apps', 'magnetiq-simple.yaml'), join(apps, 'magnetiq-simple.yaml'));
  const platformFile = join(work, 'platform.yaml');
  writeFileSync(platformFile, readFileSync(join(ROOT, 'platform.yaml'), 'utf8').replace('certificate: certs/sealed-secrets-test.pem', `certificate: ${certFile}`));
  const values: Record<string, string> = { SECRET_KEY: 'k3y with spaces & ünïcode', SMTP_USERNAME: 'mailer', SMTP_PASSWORD: 'p@ss\nword' };
  for (const [key, value] of Object.entries(values)) {
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/seal.ts', '--app', 'magnetiq-simple', '--env', 'dev', '--apps', apps, '--platform', platformFile, '--from-env', 'SEAL_VALUE', key], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', SEAL_VALUE: value },
    });
    expect({ key, status: r.status, stderr: r.stderr }).toEqual({ key, status: 0, stderr: '' });
    expect(r.stdout).not.toContain(value);
  }
  const out = join(work, 'dist');
  const synth = spawnSync(process.execPath, ['scripts/synth.js', '--apps', apps, '--out', out, '--platform', platformFile], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: '' });

  const folder = join(out, 'dev', 'magnetiq-simple');
  const objects = readdirSync(folder).filter((f) => f.startsWith('namespace-') || f.startsWith('sealedsecret-')).sort();
  expect(objects).toEqual(['namespace-magnetiq-simple-dev.yaml', 'sealedsecret-magnetiq-simple-secrets.yaml']);
  for (const file of objects) {
    const r = await api.apply(load(readFileSync(join(folder, file), 'utf8')) as K8sObject);
    expect({ file, status: r.status < 300, warnings: r.warnings }).toEqual({ file, status: true, warnings: [] });
  }
  const data = await waitFor('the unsealed Secret', () => secretData('magnetiq-simple-dev', 'magnetiq-simple-secrets'));
  expect(data).toEqual(values);
}, 180000);

test('rejects a value sealed for another Secret name: the scope is part of the ciphertext', async () => {
  await api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scope-test' } });
  const publicKey = createPublicKey(readFileSync(certFile));
  const sealed: K8sObject = {
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'right-name', namespace: 'scope-test' },
    spec: {
      encryptedData: { A: sealValue(publicKey, 'scope-test', 'right-name', Buffer.from('a')), B: sealValue(publicKey, 'scope-test', 'other-name', Buffer.from('b')) },
      template: { metadata: { name: 'right-name', namespace: 'scope-test' }, type: 'Opaque' },
    },
  };
  expect((await api.apply(sealed)).status).toBeLessThan(300);
  const status = await waitFor('the SealedSecret status', async () => {
    const r = await api.get(sealed);
    const c = (r.body.status?.conditions ?? []).find((x: { type: string }) => x.type === 'Synced');
    return c === undefined ? undefined : (c as { status: string; message?: string });
  });
  expect(status.status).toBe('False');
  // The controller names the key it could not open (B) and opens none: A alone is not written.
  expect(status.message).toContain('no key could decrypt secret');
  expect(status.message).toMatch(/\bB\b/);
  expect(await secretData('scope-test', 'right-name')).toBeUndefined();
}, 120000);
