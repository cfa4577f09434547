/**
 * One ServiceAccount per workload, with its token not mounted. No workload of a web system
 * needs the Kubernetes API, so none gets a Role: least privilege is no privilege.
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import type { SystemContext } from '../src/model/context';
import { objectMeta, WAVE } from './meta';

export interface ServiceAccountsProps {
  readonly ctx: SystemContext;
  /** Names of the ServiceAccounts, one per workload (Deployment, StatefulSet, CronJob, Job). */
  readonly names: readonly string[];
}

export class ServiceAccounts extends Construct {
  constructor(scope: Construct, id: string, props: ServiceAccountsProps) {
    super(scope, id);
    for (const name of [...props.names].sort()) {
      new k8s.KubeServiceAccount(this, name, {
        metadata: objectMeta(props.ctx, name, WAVE.config),
        automountServiceAccountToken: false,
      });
    }
  }
}
