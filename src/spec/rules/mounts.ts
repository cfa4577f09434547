/**
 * Mounts and lifecycles that Kubernetes accepts but that fail at run time:
 * - mount paths that are not normalised (`/app//data`, `/app/./data`, `/app/../x`, a trailing
 *   '/'), and two mounts of one component at the same directory once normalised;
 * - a ReadWriteOnce volume mounted by pods that may run on different nodes: a component with
 *   more than one replica or an autoscaler, or two components (the second pod stays Pending
 *   on "Multi-Attach error");
 * - a preStop sleep as long as the grace period: the kubelet kills the container while it is
 *   still sleeping, so it never gets SIGTERM's clean shutdown.
 */
import { posix } from 'node:path';
import type { AppSpec, Component } from '../app-spec.generated';
import { DEFAULTS } from '../../model/defaults';

type Add = (path: string, problem: string) => void;

function mountsOf(c: Component, at: string): Array<{ path: string; field: string }> {
  return [
    ...Object.entries(c.volumes ?? {}).map(([v, path]) => ({ path, field: `${at}.volumes.${v}` })),
    ...(c.configFilesPath === undefined ? [] : [{ path: c.configFilesPath, field: `${at}.configFilesPath` }]),
    ...(c.writablePaths ?? []).map((path, i) => ({ path, field: `${at}.writablePaths[${i}]` })),
  ];
}

/** Whether pods of this component may run on two nodes at once. */
function mayRunTwice(c: Component): boolean {
  return c.autoscaling !== undefined || (c.replicas ?? 1) > 1;
}

export function checkMounts(spec: AppSpec, add: Add): void {
  const volumes = spec.storage?.volumes ?? {};
  const rwoUsers = new Map<string, string>();
  for (const [name, c] of Object.entries(spec.components)) {
    const at = `components.${name}`;
    const seen = new Map<string, { field: string; raw: string }>();
    for (const { path, field } of mountsOf(c, at)) {
      const normal = posix.normalize(path).replace(/(.)\/$/, '$1');
      if (normal !== path) add(field, `is ${path}, which is not a normalised path; write ${normal}`);
      const other = seen.get(normal);
      // Paths written the same way are reported by the rule on repeated mounts (rules.ts).
      if (other !== undefined && other.raw !== path) add(field, `mounts ${normal}, which ${other.field} mounts too; each directory can be mounted once`);
      if (other === undefined) seen.set(normal, { field, raw: path });
    }
    for (const volume of Object.keys(c.volumes ?? {})) {
      if (!(volume in volumes) || (volumes[volume].accessMode ?? 'ReadWriteOnce') !== 'ReadWriteOnce') continue;
      const sqliteWriter = spec.database?.engine === 'sqlite' && spec.database.writer === name;
      if (mayRunTwice(c) && !sqliteWriter) {
        add(`${at}.volumes.${volume}`, `mounts the ReadWriteOnce volume ${JSON.stringify(volume)} but the component may run ${c.autoscaling !== undefined ? 'up to ' + c.autoscaling.maxReplicas : c.replicas} pods, which land on different nodes where the volume cannot attach; set accessMode: ReadWriteMany, or run one replica`);
      }
      const first = rwoUsers.get(volume);
      const sqliteVolume = spec.database?.engine === 'sqlite' && spec.database.volume === volume;
      if (first !== undefined && !sqliteVolume) {
        add(`${at}.volumes.${volume}`, `mounts the ReadWriteOnce volume ${JSON.stringify(volume)}, which ${first} mounts too; their pods may run on different nodes, where only one can attach it: set accessMode: ReadWriteMany or mount it in one component`);
      } else if (first === undefined) rwoUsers.set(volume, `components.${name}`);
    }
    if (c.preStopSleepSeconds !== undefined) {
      const grace = c.terminationGracePeriodSeconds ?? DEFAULTS.terminationGracePeriodSeconds;
      if (c.preStopSleepSeconds >= grace) {
        add(`${at}.preStopSleepSeconds`, `is ${c.preStopSleepSeconds} but the grace period is ${grace}s${c.terminationGracePeriodSeconds === undefined ? ' (the default)' : ''}: the container is killed before the sleep ends and never shuts down cleanly; sleep less than the grace period, or raise terminationGracePeriodSeconds`);
      }
    }
  }
}
