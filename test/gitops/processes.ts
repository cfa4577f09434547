/**
 * Long-running child processes of the GitOps loop (Argo CD, kwok, controllers, Redis): each
 * logs to its own file, and a group stops them all, newest first, SIGKILL after a grace period.
 */
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface Started {
  readonly name: string;
  readonly child: childProcess.ChildProcess;
  readonly logFile: string;
}

export interface StartProps {
  /** Shown in errors and used as the log file's name. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Variables added to this process's environment. @default - none */
  readonly env?: Readonly<Record<string, string>>;
}

const STOP_GRACE_MS = 5000;

export class ProcessGroup {
  private readonly started: Started[] = [];

  constructor(private readonly logDir: string) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  start(props: StartProps): Started {
    const logFile = path.join(this.logDir, `${props.name}.log`);
    const fd = fs.openSync(logFile, 'a');
    try {
      const child = childProcess.spawn(props.command, [...props.args], { stdio: ['ignore', fd, fd], env: { ...process.env, ...props.env } });
      child.on('error', () => undefined);
      if (child.pid !== undefined) watchdog(child.pid);
      const s = { name: props.name, child, logFile };
      this.started.push(s);
      return s;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Throws with the log's tail when a process has exited. */
  checkAlive(): void {
    for (const s of this.started) {
      if (s.child.exitCode !== null || s.child.signalCode !== null) {
        throw new Error(`${s.name} exited (${s.child.exitCode ?? s.child.signalCode}); last lines of ${s.logFile}:\n${tail(s.logFile)}`);
      }
    }
  }

  pids(): number[] {
    return this.started.flatMap((s) => (s.child.pid === undefined ? [] : [s.child.pid]));
  }

  async stop(): Promise<void> {
    for (const s of [...this.started].reverse()) await terminate(s.child);
  }
}

/** A detached shell that SIGKILLs `pid` once this process is gone (e.g. jest killed by a signal). */
function watchdog(pid: number): void {
  const w = childProcess.spawn('/bin/sh', ['-c', 'while kill -0 "$0" 2>/dev/null; do sleep 2; done; kill -KILL "$1" 2>/dev/null', String(process.pid), String(pid)], {
    detached: true,
    stdio: 'ignore',
  });
  w.on('error', () => undefined);
  w.unref();
}

function terminate(child: childProcess.ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, deadline: number, group: ProcessGroup, what: string): Promise<void> {
  for (;;) {
    group.checkAlive();
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Polls `check` until it returns a value, or throws `describe()` at the deadline. */
export async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, describe: () => string, intervalMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s: ${describe()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
