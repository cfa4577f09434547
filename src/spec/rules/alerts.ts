/**
 * Prometheus expressions of alerts and dashboard panels parse as PromQL, with the grammar the
 * Prometheus project ships for its own UI (@prometheus-io/lezer-promql). A rule that does not
 * parse makes the Prometheus operator reject the whole PrometheusRule, silencing every alert
 * of the system, and a broken panel shows nothing.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { AppSpec } from '../app-spec.generated';
import { memoizeByString } from '../memo';

type Add = (path: string, problem: string) => void;

/** The offset of the first syntax error, or undefined when the expression parses. */
export const promqlErrorAt = memoizeByString((expr: string): number | undefined => {
  if (expr.trim() === '') return 0;
  let at: number | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (at !== undefined) return false;
      if (node.type.isError) at = node.from;
      return undefined;
    },
  });
  return at;
});

function check(expr: string, path: string, add: Add): void {
  const at = promqlErrorAt(expr);
  if (at === undefined) return;
  const near = expr.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ');
  add(path, `is not valid PromQL: syntax error at character ${at + 1} (near ${JSON.stringify(near)}); Prometheus would reject the rule group. Try the expression in the Prometheus UI first`);
}

export function checkAlertExpressions(spec: AppSpec, add: Add): void {
  (spec.monitoring?.alerts ?? []).forEach((a, i) => check(a.expr, `monitoring.alerts[${i}].expr`, add));
  (spec.monitoring?.dashboard?.panels ?? []).forEach((p, i) => p.queries.forEach((q, j) => check(q.expr, `monitoring.dashboard.panels[${i}].queries[${j}].expr`, add)));
}
