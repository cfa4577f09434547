/**
 * The "Backups and restore" section of a system's generated README page: what is backed up,
 * where the copies go, how old they may get, and the commands that restore them. Written
 * from the jobs model, so the page names the same objects, prefixes and steps as the Jobs.
 */
import type { SystemContext } from '../model/context';
import { backupJobs, isRestorable } from '../model/jobs';
import { names } from '../model/names';
import { schedulePeriodSeconds } from '../spec/cron';

/** Recovery point objective of a schedule, in words: the most data a restore can lose. */
function rpo(schedule: string): string {
  const seconds = schedulePeriodSeconds(schedule);
  const words: Record<number, string> = { 3600: '1 hour', 86400: '24 hours', [7 * 86400]: '1 week', [31 * 86400]: '1 month', [366 * 86400]: '1 year' };
  if (words[seconds] !== undefined) return words[seconds];
  if (seconds % 3600 === 0) return `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

export function runbookSection(ctx: SystemContext): string[] {
  const backups = ctx.spec.backups ?? [];
  if (backups.length === 0) return [];
  const store = ctx.platform.backupStore;
  const jobs = backupJobs(ctx);
  const rows = backups.map((b, i) => {
    const where = store === undefined ? `PVC ${names.backupVolume(ctx, b.name)} only` : `PVC ${names.backupVolume(ctx, b.name)} and s3://${store.bucket}/${names.backupPrefix(ctx, b.name)}/`;
    return `| ${b.name} | ${b.kind} | \`${jobs[i].schedule}\` | ${rpo(b.schedule)} | ${b.retentionDays} days | ${where} |`;
  });
  const lines = [
    '',
    '## Backups and restore',
    '',
    '| Backup | Kind | Schedule (UTC) | RPO | Kept | Copies |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Alerts: \`BackupJobFailed\` and \`BackupMissed\` (PrometheusRule ${names.backupRules(ctx)}). A backup Job succeeds only once \`rclone check\` has confirmed its copy in the bucket.`,
  ];
  const restorable = backups.filter(isRestorable);
  if (store === undefined || restorable.length === 0) return lines;
  const db = restorable[0];
  lines.push(
    '',
    '### Restore',
    '',
    '1. Pause Argo CD self-heal for this Application while restoring (it would scale a stopped writer back):',
    `   \`argocd app set ${names.application(ctx.system, ctx.env)} --sync-policy none\`.`,
    `2. List the copies in \`s3://${store.bucket}/${names.backupPrefix(ctx, db.name)}/\` with any S3 client (\`aws s3 ls --endpoint-url ${store.endpoint} s3://${store.bucket}/${names.backupPrefix(ctx, db.name)}/\`); names carry their UTC time.`,
    `3. Write the Job and review it: \`npm run restore -- --app ${ctx.system} --env ${ctx.env} --from latest\` (or \`--from <file>\`, e.g. a \`pre-migrate\` copy to undo a migration),`,
    `   then \`kubectl apply -f ${names.restoreFolder(ctx.system, ctx.env)}/\`; or create it directly with \`--apply\`.`,
    `4. Follow it: \`kubectl -n ${ctx.namespace} logs -f job/${names.restoreJob(ctx, db.name)} --all-containers\`. It fetches the copy, verifies its checksum, checks it, keeps a safety copy of the current data under the backup volume's \`restore/\` folder, and restores.`,
  );
  if (db.kind === 'sqlite') {
    lines.push(`   The Job scales ${names.component(ctx, ctx.spec.database!.writer!)} to 0, waits for its pods to go, restores through SQLite's backup API and scales it back to 1. If it fails, the writer stays at 0 and the database is untouched: read the logs, then \`kubectl -n ${ctx.namespace} scale deployment/${names.component(ctx, ctx.spec.database!.writer!)} --replicas=1\`.`);
  } else {
    lines.push('   The dump is replayed in one transaction: a failed restore leaves the database as it was.');
  }
  const leftovers = db.kind === 'sqlite' ? ['job', 'role', 'rolebinding'].map((k) => `${k}/${names.restoreJob(ctx, db.name)}`).join(' ') : `job/${names.restoreJob(ctx, db.name)}`;
  lines.push(
    `5. Clean up with \`kubectl -n ${ctx.namespace} delete ${leftovers}\`, then turn auto-sync back on:`,
    `   \`argocd app set ${names.application(ctx.system, ctx.env)} --sync-policy automated --self-heal --auto-prune\`.`,
  );
  return lines;
}
