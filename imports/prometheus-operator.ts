/** prometheus-operator custom resources, typed by @kubernetes-models/prometheus-operator. */
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Construct } from 'constructs';
import { CustomResource, CustomResourceProps } from './custom-resource';

export type ServiceMonitorSpec = IServiceMonitor['spec'];
export type PrometheusRuleSpec = IPrometheusRule['spec'];

export class ServiceMonitor extends CustomResource<ServiceMonitorSpec> {
  static readonly GVK = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<ServiceMonitorSpec>) {
    super(scope, id, ServiceMonitor.GVK.apiVersion, ServiceMonitor.GVK.kind, props);
  }
}

export class PrometheusRule extends CustomResource<PrometheusRuleSpec> {
  static readonly GVK = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' };
  constructor(scope: Construct, id: string, props: CustomResourceProps<PrometheusRuleSpec>) {
    super(scope, id, PrometheusRule.GVK.apiVersion, PrometheusRule.GVK.kind, props);
  }
}
