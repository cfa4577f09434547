/**
 * Prometheus scraping (a ServiceMonitor per component with `metrics`), alerting rules (a
 * PrometheusRule) and a Grafana dashboard as a ConfigMap that the Grafana sidecar picks up
 * by its label.
 * @see https://prometheus-operator.dev/docs/api-reference/api/
 */
import * as k8s from '../imports/kube';
import { Construct } from 'constructs';
import { PrometheusRule, ServiceMonitor } from '../imports/prometheus-operator';
import { componentsOf, SystemContext } from '../src/model/context';
import { names, selectorLabels } from '../src/model/names';
import type { Panel } from '../src/spec/app-spec.generated';
import { objectMeta, SKIP_DRY_RUN_ON_MISSING_RESOURCE, WAVE } from './meta';

export interface MonitoringProps {
  readonly ctx: SystemContext;
}

/** Grafana dashboard JSON (schemaVersion 39) with one time-series panel per spec panel. */
export function dashboardJson(title: string, uid: string, panels: Panel[]): string {
  const dashboard = {
    uid,
    title,
    schemaVersion: 39,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source' }],
    },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: { type: 'prometheus', uid: '${datasource}' },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit ?? 'short' }, overrides: [] },
      targets: p.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        expr: q.expr,
        legendFormat: q.legend ?? '__auto',
      })),
    })),
  };
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

export class Monitoring extends Construct {
  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { ctx } = props;
    for (const [name, c] of componentsOf(ctx)) {
      if (c.metrics === undefined) continue;
      new ServiceMonitor(this, `${name}-monitor`, {
        metadata: objectMeta(ctx, names.component(ctx, name), WAVE.workload, { labels: ctx.platform.ruleLabels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE }),
        spec: {
          selector: { matchLabels: selectorLabels(ctx, name) },
          namespaceSelector: { matchNames: [ctx.namespace] },
          endpoints: [{ port: 'http', path: c.metrics.path, interval: c.metrics.interval ?? '30s', scheme: 'http' }],
        },
      });
    }
    const monitoring = ctx.spec.monitoring;
    const alerts = monitoring?.alerts ?? [];
    if (alerts.length > 0) {
      new PrometheusRule(this, 'rules', {
        metadata: objectMeta(ctx, names.alerts(ctx), WAVE.workload, { labels: ctx.platform.ruleLabels, annotations: SKIP_DRY_RUN_ON_MISSING_RESOURCE }),
        spec: {
          groups: [
            {
              name: `${ctx.system}.rules`,
              rules: alerts.map((a) => ({
                alert: a.name,
                expr: a.expr,
                for: a.for,
                labels: { severity: a.severity, namespace: ctx.namespace },
                annotations: { summary: a.summary ?? a.name },
              })),
            },
          ],
        },
      });
    }
    if (monitoring?.dashboard !== undefined) {
      new k8s.KubeConfigMap(this, 'dashboard', {
        metadata: objectMeta(ctx, names.dashboard(ctx), WAVE.config, { labels: { [ctx.platform.dashboardLabel]: '1' } }),
        data: { [`${names.instance(ctx)}.json`]: dashboardJson(monitoring.dashboard.title, names.instance(ctx), monitoring.dashboard.panels) },
      });
    }
  }
}
