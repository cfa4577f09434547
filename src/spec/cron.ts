/**
 * Checks a five-field cron expression the way the Kubernetes CronJob controller reads it
 * (robfig/cron standard parser): numbers, names, ranges, steps, lists and the @ macros.
 */
const FIELDS: ReadonlyArray<{ name: string; min: number; max: number; names?: readonly string[] }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Returns undefined when valid, else what is wrong with the expression. */
export function cronProblem(expression: string): string | undefined {
  const expr = expression.trim();
  if (MACROS.has(expr)) return undefined;
  const parts = expr.split(/\s+/);
  if (parts.length !== 5) return `has ${parts.length} fields but a cron schedule has 5 (minute hour day-of-month month day-of-week)`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(parts[i], FIELDS[i]);
    if (problem !== undefined) return `${FIELDS[i].name} field ${JSON.stringify(parts[i])} ${problem}`;
  }
  return undefined;
}

function fieldProblem(field: string, spec: (typeof FIELDS)[number]): string | undefined {
  for (const item of field.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'has more than one "/"';
    if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) return `has step ${JSON.stringify(step)}; a step is a positive integer`;
    if (range === '*' || range === '?') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `has range ${JSON.stringify(range)}; a range is low-high`;
    const values: number[] = [];
    for (const bound of bounds) {
      const value = valueOf(bound, spec);
      if (value === undefined) return `has ${JSON.stringify(bound)}; allowed: ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}..` : ''}`;
      values.push(value);
    }
    if (values.length === 2 && values[0] > values[1]) return `has range ${JSON.stringify(range)} whose start is after its end`;
  }
  return undefined;
}

function valueOf(token: string, spec: (typeof FIELDS)[number]): number | undefined {
  if (/^[0-9]+$/.test(token)) {
    const n = Number(token);
    return n >= spec.min && n <= spec.max ? n : undefined;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index < 0) return undefined;
  return spec.name === 'month' ? index + 1 : index;
}
