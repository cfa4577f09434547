/**
 * The chart of one system in one environment: composes every concern from the merged spec.
 * Names come from src/model/names.ts, so the construct tree can change without renaming
 * any Kubernetes object.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { cacheMode, componentsOf, databaseMode, isAutoscaled, SystemContext } from '../src/model/context';
import { allWorkloads, longRunningWorkloads } from '../src/model/flows';
import { names, systemLabels } from '../src/model/names';
import { Autoscaling } from './autoscaling';
import { BackupAlerts } from './backup-alerts';
import { Backups } from './backup';
import { BackupStoreSecret } from './backup-store';
import { Config } from './config';
import { PostgresDatabase, RedisCache } from './database';
import { QueueScaling } from './keda';
import { DisruptionBudget } from './disruption-budget';
import { SYNC_WAVE, WAVE } from './meta';
import { Migrations } from './migrations';
import { Monitoring } from './monitoring';
import { Namespace } from './namespace';
import { NetworkPolicies } from './network-policy';
import { ServiceAccounts } from './rbac';
import { RegistrySecret } from './registry-secret';
import { Secrets } from './secrets';
import { Service } from './service';
import { StandardAlerts } from './standard-alerts';
import { Storage } from './storage';
import { UserJob } from './user-jobs';
import { Workload } from './workload';
import { AcmeSolverPolicy } from './acme-solver-policy';
import { Routing } from './routing';

export interface SystemChartProps {
  readonly ctx: SystemContext;
}

export class SystemChart extends Chart {
  constructor(scope: Construct, id: string, props: SystemChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { ctx } = props;
    new Namespace(this, 'namespace', { ctx });
    new Config(this, 'config', { ctx });
    new Secrets(this, 'secrets', { ctx });
    new Storage(this, 'storage', { ctx });
    new ServiceAccounts(this, 'service-accounts', { ctx, names: allWorkloads(ctx).map((w) => names.component(ctx, w)) });
    new NetworkPolicies(this, 'network-policies', { ctx });
    if (databaseMode(ctx) === 'in-cluster') new PostgresDatabase(this, 'postgres', { ctx });
    if (cacheMode(ctx) === 'in-cluster') new RedisCache(this, 'redis', { ctx });
    for (const [name, component] of componentsOf(ctx)) {
      new Workload(this, name, { ctx, name, component });
      if (component.kind === 'web') {
        new Service(this, `${name}-service`, { ctx, name: names.component(ctx, name), workload: name, port: component.port! });
      }
      if (component.autoscaling !== undefined && isAutoscaled(ctx, name)) {
        new Autoscaling(this, `${name}-autoscaling`, { ctx, deployment: names.component(ctx, name), autoscaling: component.autoscaling });
      }
      if (component.keda !== undefined && isAutoscaled(ctx, name)) new QueueScaling(this, `${name}-keda`, { ctx, component: name, keda: component.keda });
    }
    for (const workload of longRunningWorkloads(ctx)) new DisruptionBudget(this, `${workload}-pdb`, { ctx, workload });
    if (ctx.spec.migrations !== undefined) new Migrations(this, 'migrations', { ctx, migrations: ctx.spec.migrations });
    for (const job of ctx.spec.jobs ?? []) new UserJob(this, `job-${job.name}`, { ctx, job });
    if (ctx.spec.imagePullSecret !== undefined) new RegistrySecret(this, 'registry-secret', { ctx, pullSecret: ctx.spec.imagePullSecret });
    new Backups(this, 'backups', { ctx });
    if (ctx.platform.backupStore !== undefined && (ctx.spec.backups ?? []).length > 0) {
      new BackupStoreSecret(this, 'backup-store', {
        store: ctx.platform.backupStore, name: names.backupStoreSecret(ctx), namespace: ctx.namespace,
        labels: systemLabels(ctx), annotations: { [SYNC_WAVE]: String(WAVE.config) },
      });
    }
    new BackupAlerts(this, 'backup-alerts', { ctx });
    new StandardAlerts(this, 'standard-alerts', { ctx });
    new Monitoring(this, 'monitoring', { ctx });
    new Routing(this, 'routing', { ctx });
    new AcmeSolverPolicy(this, 'acme-solver-policy', { ctx });
  }
}
