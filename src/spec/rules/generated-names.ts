/**
 * Names the spec chooses that clash with names synth generates, and names Kubernetes would
 * refuse once composed:
 * - a component named like an object synth adds beside it (the database's `postgres`, the
 *   cache's `redis`, the migration Job's `migrate`, a backup's `backup-<name>`, a maintenance
 *   task): both would become `<system>-<name>` Services, ServiceAccounts and NetworkPolicies;
 * - a volume named like a backup's claim (`backup-<name>`): two PVCs of one name;
 * - pod volume names: a volume called `config-files` (the configFiles mount) or like a
 *   writable path's emptyDir (`scratch-...`), and writable paths that give one emptyDir name;
 * - ConfigMap keys of configFiles longer than Kubernetes allows (253 characters).
 * Each problem names the spec field and says what to rename.
 */
import type { AppSpec } from '../app-spec.generated';
import { scratchVolumeName } from '../../../charts/pod';
import { CONFIG_FILES_VOLUME } from '../../../charts/workload';
import { DEFAULTS } from '../../model/defaults';

type Add = (path: string, problem: string) => void;

/** Longest ConfigMap key Kubernetes accepts (a DNS subdomain's length). */
const CONFIGMAP_KEY_MAX = 253;

export function checkGeneratedNames(spec: AppSpec, add: Add): void {
  const taken = new Map<string, string>();
  if (spec.database?.engine === 'postgres' && (spec.database.mode ?? 'in-cluster') === 'in-cluster') taken.set('postgres', "the in-cluster PostgreSQL ('database')");
  if (spec.cache !== undefined && (spec.cache.mode ?? 'in-cluster') === 'in-cluster') taken.set('redis', "the in-cluster Redis ('cache')");
  if (spec.migrations !== undefined) taken.set('migrate', "the migration Job ('migrations')");
  (spec.backups ?? []).forEach((b, i) => taken.set(`backup-${b.name}`, `the backup backups[${i}] (${JSON.stringify(b.name)})`));
  (spec.maintenance ?? []).forEach((t, i) => {
    const other = taken.get(t.name);
    if (other !== undefined) add(`maintenance[${i}].name`, `${JSON.stringify(t.name)} gives the CronJob ${spec.name}-${t.name}, the name of ${other}; rename the task`);
    else taken.set(t.name, `the maintenance task maintenance[${i}] (${JSON.stringify(t.name)})`);
  });
  for (const name of Object.keys(spec.components)) {
    const other = taken.get(name);
    if (other !== undefined) {
      add(`components.${name}`, `the name ${JSON.stringify(name)} gives ${spec.name}-${name}, the name synth gives ${other}; its Service, ServiceAccount and NetworkPolicy would collide: rename the component`);
    }
  }
  const backupClaims = new Map<string, number>((spec.backups ?? []).map((b, i) => [`backup-${b.name}`, i]));
  for (const volume of Object.keys(spec.storage?.volumes ?? {})) {
    const i = backupClaims.get(volume);
    if (i !== undefined) add(`storage.volumes.${volume}`, `gives the PersistentVolumeClaim ${spec.name}-${volume}, the claim of the backup backups[${i}]; rename the volume`);
  }
  for (const [name, c] of Object.entries(spec.components)) {
    const at = `components.${name}`;
    const podVolumes = new Map<string, string>();
    const claim = (volume: string, owner: string, what: string) => {
      const other = podVolumes.get(volume);
      if (other !== undefined) add(owner, `${what} gives the pod volume name ${JSON.stringify(volume)}, which ${other} gives too; pod volume names must be unique: rename one`);
      else podVolumes.set(volume, owner);
    };
    for (const volume of Object.keys(c.volumes ?? {})) claim(volume, `${at}.volumes.${volume}`, 'the volume');
    if (c.configFilesPath !== undefined) claim(CONFIG_FILES_VOLUME, `${at}.configFilesPath`, 'mounting configFiles');
    const writable = c.writablePaths ?? DEFAULTS.writablePaths;
    writable.forEach((path, i) => claim(scratchVolumeName(path), c.writablePaths === undefined ? `${at}.writablePaths` : `${at}.writablePaths[${i}]`, `the writable path ${path}`));
  }
  for (const key of Object.keys(spec.configFiles ?? {})) {
    if (key.length > CONFIGMAP_KEY_MAX) add(`configFiles.${key.slice(0, 40)}...`, `is a file name of ${key.length} characters; a ConfigMap key has at most ${CONFIGMAP_KEY_MAX}: shorten it`);
  }
}
