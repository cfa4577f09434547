/**
 * Runs the real sealed-secrets controller (built by test/sealed-secrets/build.sh) against the
 * test API server. The controller only reads in-cluster configuration (the service account
 * token and CA under /var/run/secrets/kubernetes.io/serviceaccount, the API server from
 * KUBERNETES_SERVICE_HOST/PORT), so it runs in a private mount namespace (`unshare --mount`,
 * root) with a tmpfs over /run holding the test's token and CA: nothing on the machine changes.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ControlPlane } from './control-plane';

export function sealedSecretsBinDir(): string {
  return path.resolve(process.env.SEALED_SECRETS_BIN_DIR ?? path.join(__dirname, '..', '..', '.cache', 'sealed-secrets-bin'));
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Controller {
  readonly logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the controller in `namespace` (where it looks for its keys) with key rotation off, so
 * it uses the key the test put there and never makes its own.
 */
export async function startController(cp: Pick<ControlPlane, 'server' | 'token' | 'caFile'>, namespace: string, workDir: string): Promise<Controller> {
  const binary = path.join(sealedSecretsBinDir(), 'controller');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run test/sealed-secrets/build.sh`);
  const url = new URL(cp.server);
  const [http, metrics] = [await freePort(), await freePort()];
  const logFile = path.join(workDir, 'controller.log');
  const sa = '/run/secrets/kubernetes.io/serviceaccount';
  const script = [
    'set -e',
    'mount -t tmpfs tmpfs /run',
    `mkdir -p ${sa}`,
    `cp "$CA_FILE" ${sa}/ca.crt`,
    `printf %s "$SA_TOKEN" > ${sa}/token`,
    `printf %s "$POD_NAMESPACE" > ${sa}/namespace`,
    `exec "$CONTROLLER" --key-renew-period=0 --listen-addr=127.0.0.1:${http} --listen-metrics-addr=127.0.0.1:${metrics} --update-status=true`,
  ].join('\n');
  const out = openSync(logFile, 'a');
  const child: ChildProcess = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
    env: {
      PATH: process.env.PATH,
      CA_FILE: cp.caFile,
      SA_TOKEN: cp.token,
      POD_NAMESPACE: namespace,
      CONTROLLER: binary,
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
    },
    stdio: ['ignore', out, out],
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  return {
    logFile,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5000);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
