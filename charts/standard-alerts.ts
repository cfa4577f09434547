/**
 * Ready-made alerts a spec asks for by name (monitoring.standardAlerts):
 * - volume-full: a PVC of the namespace more than 90% used, or on course to fill within four
 *   days (kubelet volume stats);
 * - certificate-expiry: a cert-manager Certificate of the namespace expiring within 14 days,
 *   which means renewal has been failing for two weeks (cert-manager renews 30 days ahead).
 * @see https://cert-manager.io/docs/devops-tips/prometheus-metrics/
 */
import { Construct } from 'constructs';
import { PrometheusRule } from '../imports/prometheus-operator';
import type { SystemContext } from '../src/model/context';
import { names } from '../src/model/names';
import { objectMeta, SKIP_DRY_RUN_ON_MISSING_RESOURCE, WAVE } from './meta';

export interface StandardAlertsProps {
  readonly ctx: SystemContext;
}

export class StandardAlerts extends Construct {
  constructor(scope: Construct, id: string, props: StandardAlertsProps) {
    super(scope, id);
    const { ctx } = props;
    const wanted = new Set(ctx.spec.monitoring?.standardAlerts ?? []);
    if (wanted.size === 0) return;
    const ns = ctx.namespace;
    const rules = [];
    if (wanted.has('volume-full')) {
      const used = `kubelet_volume_stats_available_bytes{namespace="${ns}"} / kubelet_volume_stats_capacity_bytes{namespace="${ns}"}`;
      rules.push(
        {
          alert: 'VolumeAlmostFull',
          expr: `${used} < 0.10`,
          for: '5m',
          labels: { severity: 'critical', namespace: ns },
          annotations: { summary: `PVC {{ $labels.persistentvolumeclaim }} in ${ns} is more than 90% full` },
        },
        {
          alert: 'VolumeFillingUp',
          expr: `(${used} < 0.40) and predict_linear(kubelet_volume_stats_available_bytes{namespace="${ns}"}[6h], 4 * 86400) < 0`,
          for: '1h',
          labels: { severity: 'warning', namespace: ns },
          annotations: { summary: `PVC {{ $labels.persistentvolumeclaim }} in ${ns} will be full within four days at its current rate` },
        },
      );
    }
    if (wanted.has('certificate-expiry')) {
      rules.push({
        alert: 'CertificateExpiringSoon',
        expr: `certmanager_certificate_expiration_timestamp_seconds{namespace="${ns}"} - time() < 14 * 86400`,
        for: '1h',
        labels: { severity: 'warning', namespace: ns },
        annotations: { summary: `Certificate {{ $labels.name }} in ${ns} expires within 14 days: renewal is failing (kubectl -n ${ns} describe certificate {{ $labels.name }})` },
      });
    }
    new PrometheusRule(this, 'rules', {
      metadata: objectMeta(ctx, names.standardRules(ctx), WAVE.workload, { labels: ctx.platform.ruleLabels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE }),
      spec: { groups: [{ name: `${ctx.system}.standard`, rules }] },
    });
  }
}
