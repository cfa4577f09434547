/** Alerts on backups for every system with backups, and the standard alerts specs ask for. */
import { schedulePeriodSeconds } from '../charts/backup-alerts';
import { find, synthesizeRepo } from './support/manifests';

const { folders } = synthesizeRepo();

test.each(['magnetiq', 'magnetiq-full', 'magnetiq-simple', 'memo-ai-coach', 'tequipy'])('%s alerts on a failed and a missed backup of each backup job', (system) => {
  const objs = folders.get(`production/${system}`)!;
  const crons = objs.filter((o) => o.kind === 'CronJob' && o.metadata.name.startsWith(`${system}-backup-`)).map((o) => o.metadata.name).sort();
  const rules = find(objs, 'PrometheusRule', `${system}-backups`).spec.groups[0].rules;
  expect(rules.map((r: { alert: string; labels: { cronjob: string } }) => `${r.alert} ${r.labels.cronjob}`).sort()).toEqual(crons.flatMap((c) => [`BackupJobFailed ${c}`, `BackupMissed ${c}`]).sort());
});

test('a daily backup is missed once its last success is older than a day plus start and run deadlines', () => {
  const rules = find(folders.get('production/magnetiq')!, 'PrometheusRule', 'magnetiq-backups').spec.groups[0].rules;
  expect(rules[1]).toEqual({
    alert: 'BackupMissed',
    expr: 'time() - kube_cronjob_status_last_successful_time{namespace="magnetiq-production", cronjob="magnetiq-backup-db"} > 90600',
    for: '10m',
    labels: { severity: 'critical', namespace: 'magnetiq-production', cronjob: 'magnetiq-backup-db' },
    annotations: {
      summary: 'No verified off-site copy from magnetiq-backup-db in magnetiq-production for more than 26h',
      description: 'The newest copy in the bucket is older than the schedule (30 2 * * *) allows; the recovery point is slipping.',
    },
  });
});

test.each([
  ['30 2 * * *', 86400],
  ['0 4 * * 0', 604800],
  ['0 * * * *', 3600],
  ['0 3 1 * *', 2678400],
  ['@daily', 86400],
  ['@hourly', 3600],
  ['@weekly', 604800],
  ['@every 90m', 5400],
])('schedule %s repeats at most every %i seconds', (schedule, seconds) => {
  expect(schedulePeriodSeconds(schedule)).toBe(seconds);
});

test('magnetiq-simple gets volume-full and certificate-expiry alerts, memo-ai-coach volume-full only, the others none', () => {
  const alerts = (system: string) => folders.get(`staging/${system}`)!.filter((o) => o.kind === 'PrometheusRule' && o.metadata.name === `${system}-standard-alerts`).flatMap((o) => o.spec.groups[0].rules.map((r: { alert: string }) => r.alert));
  expect(alerts('magnetiq-simple')).toEqual(['VolumeAlmostFull', 'VolumeFillingUp', 'CertificateExpiringSoon']);
  expect(alerts('memo-ai-coach')).toEqual(['VolumeAlmostFull', 'VolumeFillingUp']);
  expect(alerts('tequipy')).toEqual([]);
});
