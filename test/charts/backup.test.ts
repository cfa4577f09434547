import { Backups } from '../../charts/backup';
import { minimalContext, only, synth, webComponent } from './context';

const ctx = minimalContext({
  storage: { volumes: { data: { size: '1Gi' } } },
  database: { engine: 'sqlite', volume: 'data', file: '/app/data/shop.db', writer: 'api' },
  components: { api: webComponent({ volumes: { data: '/app/data' } }) },
  backups: [{ name: 'db', kind: 'sqlite', schedule: '30 2 * * *', retentionDays: 7, size: '2Gi' }],
} as never);
const manifests = synth((s) => new Backups(s, 'backups', { ctx }));

test('a backup is the CronJob <system>-backup-<name> that never overlaps itself', () => {
  const cron = only(manifests, 'CronJob', 'shop-backup-db');
  expect(cron.spec.schedule).toBe('30 2 * * *');
  expect(cron.spec.concurrencyPolicy).toBe('Forbid');
  expect(cron.spec.timeZone).toBe('Etc/UTC');
  expect(cron.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
});

test('a SQLite backup runs once per schedule on the writer\'s node, as the writer, with its own ServiceAccount', () => {
  const pod = only(manifests, 'CronJob', 'shop-backup-db').spec.jobTemplate.spec.template.spec;
  expect(pod.restartPolicy).toBe('Never');
  expect(pod.serviceAccountName).toBe('shop-backup-db');
  expect(pod.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels['app.kubernetes.io/name']).toBe('shop-api');
});

test('the backup target is the PVC <system>-backup-<name>', () => {
  expect(only(manifests, 'PersistentVolumeClaim', 'shop-backup-db').spec.resources.requests.storage).toBe('2Gi');
});
