/**
 * The chart of one system in one environment: composes every concern from the merged spec.
 * Names come from src/model/names.ts, so the construct tree can change without renaming
 * any Kubernetes object.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { cacheMode, componentsOf, databaseMode, isAutoscaled, SystemContext } from '../src/model/context';
import { allWorkloads, longRunningWorkloads } from '../src/model/flows';
import { names } from '../src/model/names';
import { Autoscaling } from './autoscaling';
import { Backups } from './backup';
import { Config } from './config';
import { PostgresDatabase, RedisCache } from './database';
import { DisruptionBudget } from './disruption-budget';
import { Ingress } from './ingress';
import { Migrations } from './migrations';
import { Monitoring } from './monitoring';
import { Namespace } from './namespace';
import { NetworkPolicies } from './network-policy';
import { ServiceAccounts } from './rbac';
import { Secrets } from './secrets';
import { Service } from './service';
import { Storage } from './storage';
import { Workload } from './workload';

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
    }
    for (const workload of longRunningWorkloads(ctx)) new DisruptionBudget(this, `${workload}-pdb`, { ctx, workload });
    if (ctx.spec.migrations !== undefined) new Migrations(this, 'migrations', { ctx, migrations: ctx.spec.migrations });
    new Backups(this, 'backups', { ctx });
    new Monitoring(this, 'monitoring', { ctx });
    if (ctx.spec.ingress !== undefined) new Ingress(this, 'ingress', { ctx, ingress: ctx.spec.ingress });
  }
}
