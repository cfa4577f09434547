/**
 * A throw-away Kubernetes control plane (etcd + kube-apiserver) for
 * integration tests. Uses only Node builtins and the `openssl` CLI.
 *
 * The binaries are built by test/cluster/build.sh into <repo>/.cache/cluster-bin.
 *
 * There is no controller-manager, scheduler or kubelet: objects are stored and
 * validated (schema, admission incl. PodSecurity, RBAC) but nothing reconciles
 * them. In particular namespaces are never finalized after deletion, no
 * ServiceAccount "default" is created in new namespaces and pods never run.
 * Because of the missing service-account controller the ServiceAccount
 * admission plugin is disabled (it would reject every Pod in a namespace with no
 * "default" ServiceAccount before PodSecurity gets to see it).
 */
import * as childProcess from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePorts } from '../support/free-ports';

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  /** Bearer token of user "admin" (group system:masters). */
  token: string;
  /** Path to a kubeconfig file (cluster, user and current context). */
  kubeconfig: string;
  /** Path to the PEM CA certificate that signed the apiserver's serving cert. */
  caFile: string;
  /** Stops both processes (SIGTERM, SIGKILL after a grace period) and deletes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Directory holding the `etcd` and `kube-apiserver` binaries. Default: controlPlaneBinDir(). */
  binDir?: string;
  /** Receives progress messages. Default: silent. */
  log?: (s: string) => void;
  /**
   * Extra kube-apiserver flags, appended after the defaults. A repeated scalar flag overrides the
   * default; list flags (e.g. --enable-admission-plugins) add to it.
   */
  apiserverArgs?: string[];
  /** How long to wait for etcd and then /readyz, in ms. Default 90000. */
  readyTimeoutMs?: number;
}

const STOP_GRACE_MS = 5000;

/**
 * Default directory of the binaries: <repo>/.cache/cluster-bin, where <repo> is
 * the directory containing test/cluster/build.sh (found by walking up from this
 * file, then from the working directory). $CLUSTER_BIN_DIR overrides it, as for build.sh.
 */
export function controlPlaneBinDir(): string {
  if (process.env.CLUSTER_BIN_DIR) return path.resolve(process.env.CLUSTER_BIN_DIR);
  const here = typeof __dirname !== 'undefined' ? __dirname : undefined;
  for (const start of [here, process.cwd()]) {
    if (!start) continue;
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'test', 'cluster', 'build.sh'))) {
        return path.join(dir, '.cache', 'cluster-bin');
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  // This file lives in <repo>/test/cluster.
  return path.resolve(here ?? process.cwd(), '..', '..', '.cache', 'cluster-bin');
}

export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const binDir = path.resolve(opts.binDir ?? controlPlaneBinDir());
  const timeoutMs = opts.readyTimeoutMs ?? 90_000;
  const etcdBin = path.join(binDir, 'etcd');
  const apiserverBin = path.join(binDir, 'kube-apiserver');
  for (const bin of [etcdBin, apiserverBin]) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      throw new Error(`control plane: ${bin} is missing or not executable; run test/cluster/build.sh first`);
    }
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-control-plane-'));
  const children: childProcess.ChildProcess[] = [];
  let watchdog: childProcess.ChildProcess | undefined;
  let stopping: Promise<void> | undefined;

  // Last-resort cleanup if the parent goes away without calling stop().
  const killAllSync = () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null && c.pid) {
        try { process.kill(c.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    if (watchdog?.pid) {
      try { process.kill(watchdog.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  };
  const onExit = () => killAllSync();
  const onSignal = (signal: NodeJS.Signals) => {
    killAllSync();
    removeHandlers();
    // If nobody else handles the signal, restore the default behaviour (terminate).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const removeHandlers = () => {
    process.removeListener('exit', onExit);
    for (const s of signals) process.removeListener(s, onSignal);
  };
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      removeHandlers();
      // apiserver first, so that it does not spin on a vanished etcd.
      for (const c of [...children].reverse()) await terminate(c, STOP_GRACE_MS);
      if (watchdog?.pid && watchdog.exitCode === null) {
        try { process.kill(watchdog.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      fs.rmSync(dir, { recursive: true, force: true });
      log(`control plane stopped, removed ${dir}`);
    })();
    return stopping;
  };

  try {
    // --- credentials -------------------------------------------------------
    const pki = path.join(dir, 'pki');
    fs.mkdirSync(pki, { mode: 0o700 });
    const caFile = path.join(pki, 'ca.crt');
    const caKey = path.join(pki, 'ca.key');
    const certFile = path.join(pki, 'apiserver.crt');
    const keyFile = path.join(pki, 'apiserver.key');
    await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
      '-keyout', caKey, '-out', caFile, '-subj', '/CN=cdk8s-test-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
    const csr = path.join(pki, 'apiserver.csr');
    await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-sha256',
      '-keyout', keyFile, '-out', csr, '-subj', '/CN=kube-apiserver']);
    const ext = path.join(pki, 'apiserver.ext');
    fs.writeFileSync(ext, [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,' +
        'DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local',
      '',
    ].join('\n'));
    await openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial',
      '-sha256', '-days', '2', '-extfile', ext, '-out', certFile]);

    const saKey = path.join(pki, 'sa.key');
    const saPub = path.join(pki, 'sa.pub');
    await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', saKey]);
    await openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub]);

    const token = crypto.randomBytes(24).toString('hex');
    const tokenFile = path.join(pki, 'tokens.csv');
    fs.writeFileSync(tokenFile, `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });

    // --- etcd ---------------------------------------------------------------
    const [etcdClientPort, etcdPeerPort, apiserverPort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    const etcdLog = path.join(dir, 'etcd.log');
    log(`starting etcd on ${etcdUrl}`);
    const etcd = spawnLogged(etcdBin, [
      '--name=default',
      `--data-dir=${path.join(dir, 'etcd-data')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--initial-cluster-state=new',
      '--log-level=warn',
      // Throw-away data: trade durability for speed.
      '--unsafe-no-fsync',
      '--snapshot-count=100000',
    ], etcdLog);
    children.push(etcd);
    const deadline = Date.now() + timeoutMs;
    await waitFor('etcd', etcd, etcdLog, deadline, async () => {
      const res = await request(`${etcdUrl}/health`, {});
      return res.status === 200 && /"health":\s*"true"/.test(res.body);
    });

    // --- kube-apiserver ----------------------------------------------------
    const server = `https://127.0.0.1:${apiserverPort}`;
    const apiserverLog = path.join(dir, 'kube-apiserver.log');
    const certDir = path.join(dir, 'apiserver-certs');
    fs.mkdirSync(certDir);
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiserverPort}`,
      `--cert-dir=${certDir}`,
      `--tls-cert-file=${certFile}`,
      `--tls-private-key-file=${keyFile}`,
      `--token-auth-file=${tokenFile}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      // PodSecurity is on by default; be explicit. See the file comment for ServiceAccount.
      '--enable-admission-plugins=PodSecurity',
      '--disable-admission-plugins=ServiceAccount',
      // Like kubeadm clusters: privileged pods are left to PodSecurity to judge.
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
      ...(opts.apiserverArgs ?? []),
    ];
    log(`starting kube-apiserver on ${server}`);
    const apiserver = spawnLogged(apiserverBin, apiserverArgs, apiserverLog);
    children.push(apiserver);

    // Kills the children if this process dies without running its exit handlers (e.g. SIGKILL).
    watchdog = spawnWatchdog([etcd.pid!, apiserver.pid!], dir);

    const ca = fs.readFileSync(caFile);
    let lastStatus = '';
    await waitFor('kube-apiserver', apiserver, apiserverLog, deadline, async () => {
      const res = await request(`${server}/readyz`, { ca, headers: { Authorization: `Bearer ${token}` } });
      lastStatus = `${res.status}: ${res.body.slice(-2000)}`;
      return res.status === 200;
    }, () => lastStatus);

    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server, 'certificate-authority': caFile } }],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', namespace: 'default' } }],
      'current-context': 'test',
    }, null, 2) + '\n', { mode: 0o600 });
    log(`control plane ready: ${server} (kubeconfig ${kubeconfig})`);

    return { server, token, kubeconfig, caFile, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

// --- helpers ----------------------------------------------------------------

function spawnLogged(bin: string, args: string[], logFile: string): childProcess.ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = childProcess.spawn(bin, args, { stdio: ['ignore', fd, fd] });
    child.on('error', () => { /* surfaced through exitCode / waitFor */ });
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

/** A detached shell that SIGKILLs `pids` and removes `dir` once this process is gone. */
function spawnWatchdog(pids: number[], dir: string): childProcess.ChildProcess | undefined {
  try {
    const script = 'while kill -0 "$0" 2>/dev/null; do sleep 1; done; ' +
      'dir="$1"; shift; kill -KILL "$@" 2>/dev/null; sleep 1; rm -rf "$dir"';
    const w = childProcess.spawn('/bin/sh', ['-c', script, String(process.pid), dir, ...pids.map(String)], {
      detached: true, stdio: 'ignore',
    });
    w.on('error', () => {});
    w.unref();
    return w;
  } catch {
    return undefined;
  }
}

function terminate(child: childProcess.ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
    }, graceMs);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    try { child.kill('SIGTERM'); } catch { /* already gone */ }
  });
}

function openssl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    childProcess.execFile('openssl', args, { timeout: 60_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new Error(missing
        ? 'control plane: the `openssl` CLI is required (apt-get install openssl)'
        : `control plane: openssl ${args[0]} failed: ${err.message}\n${stderr}`));
    });
  });
}

interface Response { status: number; body: string }

function request(url: string, o: { ca?: Buffer; headers?: Record<string, string> }): Promise<Response> {
  return new Promise((resolve) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { ca: o.ca, headers: o.headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ status: 0, body: String(e) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
  });
}

async function waitFor(
  name: string, child: childProcess.ChildProcess, logFile: string, deadline: number,
  ready: () => Promise<boolean>, detail: () => string = () => '',
): Promise<void> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`control plane: ${name} exited early (${child.exitCode ?? child.signalCode}); ` +
        `last lines of ${path.basename(logFile)}:\n${tail(logFile)}`);
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      const d = detail();
      throw new Error(`control plane: ${name} was not ready in time` + (d ? ` (last answer ${d})` : '') +
        `; last lines of ${path.basename(logFile)}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
