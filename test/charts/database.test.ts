import { PostgresDatabase, RedisCache } from '../../charts/database';
import { minimalContext, only, synth } from './context';

const ctx = minimalContext({ database: { engine: 'postgres' }, cache: { engine: 'redis' } } as never);

test('PostgreSQL is a single-instance StatefulSet on 5432 whose volume Argo CD never deletes', () => {
  const manifests = synth((s) => new PostgresDatabase(s, 'pg', { ctx }));
  const sts = only(manifests, 'StatefulSet', 'shop-postgres');
  expect(sts.spec.replicas).toBe(1);
  expect(sts.spec.serviceName).toBe('shop-postgres');
  expect(sts.spec.template.spec.containers[0].ports[0].containerPort).toBe(5432);
  expect(sts.spec.template.spec.serviceAccountName).toBe('shop-postgres');
  expect(sts.spec.volumeClaimTemplates[0].metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  expect(sts.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
  expect(only(manifests, 'Service', 'shop-postgres').spec.clusterIP).toBe('None');
});

test('Redis requires its password and appends to a persistent file on 6379', () => {
  const sts = only(synth((s) => new RedisCache(s, 'redis', { ctx })), 'StatefulSet', 'shop-redis');
  expect(sts.spec.template.spec.containers[0].ports[0].containerPort).toBe(6379);
  expect(sts.spec.template.spec.containers[0].args).toEqual(['--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes', '--dir', '/data']);
});
