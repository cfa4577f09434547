/**
 * Runs the containers of our synthesized Jobs and CronJobs on this machine, as the kubelet
 * would: the exact command from the manifest, its environment with `$(VAR)` references
 * expanded from the variables before it, and overrides only for what differs outside a
 * pod: mount points (paths), Secret values and in-cluster addresses.
 * `/bin/sh` runs as BusyBox sh, the shell of the Alpine images these steps use (Debian's
 * /bin/sh is dash, which lacks `set -o pipefail`).
 */
import { spawnSync } from 'node:child_process';
import type { Obj } from '../support/manifests';
import { podTemplate } from '../support/manifests';

/** Every container of a Job or CronJob, init containers first, in the order they run. */
export function stepsOf(o: Obj): Obj[] {
  const spec = podTemplate(o).spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

export function step(o: Obj, name: string): Obj {
  const found = stepsOf(o).find((c) => c.name === name);
  if (found === undefined) throw new Error(`${o.kind}/${o.metadata.name} has no container ${name}; it has ${stepsOf(o).map((c) => c.name).join(', ')}`);
  return found;
}

/**
 * The container's environment as the kubelet builds it: literal values with `$(NAME)`
 * expanded from earlier variables; `valueFrom` (Secrets, ConfigMaps) must be in `given`.
 * `given` replaces any variable, and is added when the manifest lacks it.
 */
export function containerEnv(c: Obj, given: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of c.env ?? []) {
    if (v.name in given) env[v.name] = given[v.name];
    else if (v.value !== undefined) env[v.name] = String(v.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, n: string) => env[n] ?? whole);
    else throw new Error(`container ${c.name}: ${v.name} comes from ${JSON.stringify(v.valueFrom)}; the test must give its value`);
  }
  return { ...env, ...Object.fromEntries(Object.entries(given).filter(([k]) => !(k in env))) };
}

export interface StepResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one container's command with `env` (plus PATH and a writable HOME) and returns its outcome. */
export function runStep(c: Obj, env: Record<string, string>, home: string): StepResult {
  const [cmd, ...args] = c.command as string[];
  const argv = cmd === '/bin/sh' ? ['busybox', 'sh', ...args] : [cmd, ...args];
  const r = spawnSync(argv[0], argv.slice(1), {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TZ: 'Etc/UTC', ...env },
    encoding: 'utf8',
    timeout: 120000,
  });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a step that must succeed; on failure the error carries its output. */
export function mustRun(c: Obj, env: Record<string, string>, home: string): StepResult {
  const r = runStep(c, env, home);
  if (r.status !== 0) throw new Error(`step ${c.name} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
