import { Migrations } from '../../charts/migrations';
import { minimalContext, only, synth } from './context';

const ctx = minimalContext({ migrations: { component: 'api', command: ['alembic', 'upgrade', 'head'] } } as never);
const job = () => only(synth((s) => new Migrations(s, 'migrations', { ctx, migrations: ctx.spec.migrations! })), 'Job', 'shop-migrate');

test('migrations are an Argo CD Sync hook (not PreSync) recreated before every sync', () => {
  expect(job().metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
  expect(job().metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBe('BeforeHookCreation');
});

test('migrations run in the wave after config, secrets and database and before workloads', () => {
  expect(job().metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
});

test('the migration pod runs the spec command once with the component image, as its own ServiceAccount', () => {
  const pod = job().spec.template.spec;
  expect(pod.restartPolicy).toBe('Never');
  expect(pod.serviceAccountName).toBe('shop-migrate');
  expect(pod.containers[0].command).toEqual(['alembic', 'upgrade', 'head']);
  expect(pod.containers[0].image).toBe('registry.example.com/shop-api:v1.0.0');
  expect(pod.containers[0].ports).toBeUndefined();
  expect(pod.containers[0].livenessProbe).toBeUndefined();
});
